//! Baking: a parsed tree becomes tokens, and those tokens compile to a `static` equal to the
//! tree (the tokens below are the bake of `TEXT`, pasted; the first test keeps them current).
#![cfg(all(feature = "parse", feature = "bake"))]

use databake::{Bake, CrateEnv};
use novagen_spec::{parse_expr, Expr};

const TEXT: &str = "\"{name}-x\" if version >= 2.37 else reply.servers[-1].'a:b' | map(it.^.id) | join(', ') ?? [1, 2.5, true, null, absent]";

/// `static BAKED` from the tokens, and the tokens as text.
macro_rules! baked {
    ($($t:tt)*) => {
        static BAKED: Expr = $($t)*;
        const BAKED_TOKENS: &str = stringify!($($t)*);
    };
}

baked! {
    novagen_spec :: Expr :: If { then : & novagen_spec :: Expr :: Template (& novagen_spec :: Template :: Text (& [novagen_spec :: Piece :: Expr (novagen_spec :: Expr :: Path (novagen_spec :: Path { root : novagen_spec :: Root :: Arg ("name" ,) , steps : & [] , } ,) ,) , novagen_spec :: Piece :: Text ("-x" ,)] ,) ,) , cond : & novagen_spec :: Expr :: Compare (& novagen_spec :: Expr :: Path (novagen_spec :: Path { root : novagen_spec :: Root :: Version , steps : & [] , } ,) , novagen_spec :: Cmp :: Ge , & novagen_spec :: Expr :: Lit (novagen_spec :: Lit :: Version (2u16 , 37u16 ,) ,) ,) , otherwise : Some (& novagen_spec :: Expr :: Coalesce (& [novagen_spec :: Expr :: Pipe (& novagen_spec :: Expr :: Path (novagen_spec :: Path { root : novagen_spec :: Root :: Reply , steps : & [novagen_spec :: Step :: Key ("servers" ,) , novagen_spec :: Step :: Index (- 1i64 ,) , novagen_spec :: Step :: Key ("a:b" ,)] , } ,) , & [novagen_spec :: Call { filter : novagen_spec :: Filter :: Map , args : & [novagen_spec :: Expr :: Path (novagen_spec :: Path { root : novagen_spec :: Root :: Parent (1u8 ,) , steps : & [novagen_spec :: Step :: Key ("id" ,)] , } ,)] , } , novagen_spec :: Call { filter : novagen_spec :: Filter :: Join , args : & [novagen_spec :: Expr :: Lit (novagen_spec :: Lit :: Str (", " ,) ,)] , }] ,) , novagen_spec :: Expr :: List (& [novagen_spec :: Expr :: Lit (novagen_spec :: Lit :: Int (1i64 ,) ,) , novagen_spec :: Expr :: Lit (novagen_spec :: Lit :: Float (2.5f64 ,) ,) , novagen_spec :: Expr :: Lit (novagen_spec :: Lit :: Bool (true ,) ,) , novagen_spec :: Expr :: Lit (novagen_spec :: Lit :: Null ,) , novagen_spec :: Expr :: Lit (novagen_spec :: Lit :: Absent ,)] ,)] ,)) , }
}

fn tokens(t: &str) -> String {
    t.parse::<proc_macro2::TokenStream>()
        .map(|t| t.to_string())
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_parsed_tree_bakes_to_these_tokens() {
    let e = parse_expr(TEXT).unwrap_or_else(|e| panic!("{e}"));
    let env = CrateEnv::default();
    let baked = e.bake(&env).to_string();
    assert_eq!(
        tokens(&baked),
        tokens(BAKED_TOKENS),
        "paste this bake into tests/bake.rs:\n{baked}"
    );
    assert!(env.into_iter().any(|c| c == "novagen_spec"));
}

#[test]
fn the_baked_static_is_the_parsed_tree() {
    let e = parse_expr(TEXT).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(BAKED, e);
    assert_eq!(BAKED.to_string(), TEXT);
}

#[test]
fn every_kind_of_tree_bakes_to_tokens() {
    let texts = [
        "[-1.5, -9223372036854775808, 'a\\'b', \"x{{}}{y}\"]",
        "not a and b or c ?? d",
        "typed.a == found.b or steps.c in session.user_id",
        "now | days(-1) | date if x else absent",
        "reply.'OS-EXT-STS:vm_state' not in it.^.^[0][]",
    ];
    for t in texts {
        let e = parse_expr(t).unwrap_or_else(|e| panic!("{t}: {e}"));
        let env = CrateEnv::default();
        let baked = e.bake(&env).to_string();
        assert!(baked.starts_with("novagen_spec :: Expr ::"), "{baked}");
        assert!(baked.parse::<proc_macro2::TokenStream>().is_ok(), "{baked}");
    }
    for f in [
        novagen_spec::Format::Fixed(2),
        novagen_spec::Format::Named("power_state"),
    ] {
        let baked = f.bake(&CrateEnv::default()).to_string();
        assert!(baked.starts_with("novagen_spec :: Format ::"), "{baked}");
    }
}
