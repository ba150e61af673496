//! nova's own api-samples (`../shared/nova-api-samples`) against both readings of the
//! protocol: the client's generated response types must decode every matching sample (and
//! every field they declare must show up in one), and the local cloud's replies must have the
//! samples' keys and JSON types, version by version. Images come from Glance, not nova: the
//! `Image` type and nova-sim's `/image` are checked against Glance v2 replies
//! (`tests/fixtures/glance`) and against the running realnova's Glance.
//!
//! A custom harness (`harness = false`, `main` below): without the api-samples, or without a
//! real nova (started here when `../shared/realnova` is there, see `novagen_tests::realnova`),
//! the tests that need them show as `ignored (<why>)`, and fail under `CI`.

use codegen::{SpecErrors, SpecSource};
use novaclient::types::{
    AvailabilityZone, Flavor, Hypervisor, Image, Keypair, Limit, QuotaSet, Server, Service, Usage,
};
use novaclient::Record;
use novagen_tests::gate::{run, trial, Arguments, Trial};
use novagen_tests::realnova::Ready;
use novagen_tests::{root, samples_dir, Cloud};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn main() {
    let args = Arguments::from_args();
    let plain = |name: &str, f: fn()| {
        Trial::test(name, move || {
            f();
            Ok(())
        })
    };
    let trials = vec![
        trial(
            "generated_types_decode_every_sample_and_use_every_field",
            samples_dir,
            generated_types_decode_every_sample_and_use_every_field,
        ),
        plain(
            "image_type_reads_glance_v2_images",
            image_type_reads_glance_v2_images,
        ),
        plain(
            "a_misspelled_field_is_reported",
            a_misspelled_field_is_reported,
        ),
        trial(
            "local_cloud_replies_match_the_samples",
            samples_dir,
            local_cloud_replies_match_the_samples,
        ),
        plain(
            "shape_diff_sees_nulls_and_every_element",
            shape_diff_sees_nulls_and_every_element,
        ),
        plain(
            "local_glance_replies_match_glance_v2",
            local_glance_replies_match_glance_v2,
        ),
        trial(
            "the_image_type_and_local_glance_match_realnovas_glance",
            novagen_tests::realnova::running,
            the_image_type_and_local_glance_match_realnovas_glance,
        ),
    ];
    let conclusion = run(&args, trials);
    novagen_tests::realnova::stop_started();
    conclusion.exit();
}

/// Response samples of the given API folders: (path relative to the samples, microversion).
fn responses(dir: &Path, folders: &[&str]) -> Vec<(PathBuf, String)> {
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv");
    index
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let (path, folder, version, kind, json) = (cols[0], cols[1], cols[2], cols[3], cols[6]);
            (kind == "response" && json == "yes" && folders.contains(&folder)).then(|| {
                (
                    PathBuf::from(path),
                    if version.is_empty() {
                        "2.1".into()
                    } else {
                        version.trim_start_matches('v').to_string()
                    },
                )
            })
        })
        .collect()
}

fn load(dir: &Path, p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(p)).expect("sample"))
        .expect("sample JSON")
}

/// Decode every object under `one` / in the list `many` (unwrapping `item`) as `T`; the
/// objects decoded.
fn decode_all<T: serde::de::DeserializeOwned>(
    dir: &Path,
    folders: &[&str],
    one: &str,
    many: &str,
    item: Option<&str>,
) -> Vec<Value> {
    let mut decoded = Vec::new();
    for (path, _) in responses(dir, folders) {
        let body = load(dir, &path);
        let mut objects = Vec::new();
        if let Some(o) = body.get(one).filter(|o| o.is_object()) {
            objects.push(o.clone());
        }
        for o in body
            .get(many)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            objects.push(item.and_then(|k| o.get(k)).unwrap_or(o).clone());
        }
        for o in objects {
            if let Err(e) = Record::<T>::decode(o.clone()) {
                panic!("{}: {e}", path.display());
            }
            decoded.push(o);
        }
    }
    decoded
}

/// The spec as it is in `spec/`.
fn spec() -> Vec<SpecSource> {
    codegen::read_dir(&root().join("spec")).unwrap_or_else(|e| panic!("{}", SpecErrors(e)))
}

/// The JSON keys `sources` declare for `resource`.
fn declared(sources: &[SpecSource], resource: &str) -> Vec<String> {
    let api = codegen::validate(sources).unwrap_or_else(|e| panic!("{}", SpecErrors(e)));
    let r = api.resources.iter().find(|r| r.name == resource);
    let fields = r.map(|r| r.fields.iter().map(|f| f.json.to_string()).collect());
    fields.unwrap_or_else(|| panic!("no resource {resource} in the spec"))
}

/// Declared keys that none of `objects` has. Most fields are optional, so a misspelled or
/// stale one decodes as `None` from every reply: this is where it shows.
fn never_seen(declared: &[String], objects: &[Value]) -> Vec<String> {
    declared
        .iter()
        .filter(|k| !objects.iter().any(|o| o.get(k.as_str()).is_some()))
        .cloned()
        .collect()
}

fn generated_types_decode_every_sample_and_use_every_field(dir: PathBuf) {
    let d = &dir;
    // (resource, its objects in the samples, how many the samples hold today: more samples
    // may only add to them)
    let all = [
        (
            "flavor",
            decode_all::<Flavor>(d, &["flavors", "flavor-manage"], "flavor", "flavors", None),
            40,
        ),
        (
            "server",
            decode_all::<Server>(
                d,
                &["servers", "servers-sort", "os-multiple-create"],
                "server",
                "servers",
                None,
            ),
            80,
        ),
        (
            "keypair",
            decode_all::<Keypair>(d, &["os-keypairs"], "keypair", "keypairs", Some("keypair")),
            15,
        ),
        (
            "service",
            decode_all::<Service>(d, &["os-services"], "service", "services", None),
            10,
        ),
        (
            "hypervisor",
            decode_all::<Hypervisor>(d, &["os-hypervisors"], "hypervisor", "hypervisors", None),
            10,
        ),
        (
            "quota_set",
            decode_all::<QuotaSet>(d, &["os-quota-sets"], "quota_set", "quota_sets", None),
            10,
        ),
        (
            "availability_zone",
            decode_all::<AvailabilityZone>(
                d,
                &["os-availability-zone"],
                "-",
                "availabilityZoneInfo",
                None,
            ),
            2,
        ),
        (
            "limit",
            decode_all::<Limit>(d, &["limits"], "limits", "-", None),
            2,
        ),
        (
            "usage",
            decode_all::<Usage>(
                d,
                &["os-simple-tenant-usage"],
                "tenant_usage",
                "tenant_usages",
                None,
            ),
            4,
        ),
    ];
    // Declared fields no sample shows, with why they are right anyway.
    let known = [
        // Only on a server in ERROR (nova's server view: code, created, message, details).
        "server.fault",
    ];
    let spec = spec();
    let mut unused = Vec::new();
    for (resource, objects, at_least) in &all {
        assert!(objects.len() >= *at_least, "{resource}: {}", objects.len());
        for k in never_seen(&declared(&spec, resource), objects) {
            let name = format!("{resource}.{k}");
            if !known.contains(&name.as_str()) {
                unused.push(name);
            }
        }
    }
    assert!(
        unused.is_empty(),
        "declared fields that no sample has (misspelled?): {unused:?}"
    );
}

/// Glance v2 images of the fixtures (`tests/fixtures/glance`, from the Images API reference).
fn glance_images() -> Vec<Value> {
    let dir = root().join("tests/fixtures/glance");
    let read = |f: &str| -> Value {
        let text = std::fs::read_to_string(dir.join(f)).expect("Glance fixture");
        serde_json::from_str(&text).expect("Glance fixture JSON")
    };
    let mut images = vec![read("image-show.json")];
    images.extend(
        read("images-list.json")["images"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    );
    images
}

/// Every field of `Image` is in Glance's replies and reads back as sent: a field Glance does
/// not send, or a misspelled one, fails here (nova's `/images` proxy samples cannot check
/// this type: it reads Glance).
fn check_image_type(images: &[Value]) {
    let fields = declared(&spec(), "image");
    assert_eq!(
        never_seen(&fields, images),
        Vec::<String>::new(),
        "Image fields no Glance reply has"
    );
    for raw in images {
        let image = Record::<Image>::decode(raw.clone()).unwrap_or_else(|e| panic!("{e}: {raw}"));
        let back = serde_json::to_value(&image.data).expect("an Image serializes");
        for k in &fields {
            assert_eq!(back.get(k), raw.get(k), "{k} of {}", raw["id"]);
        }
    }
}

fn image_type_reads_glance_v2_images() {
    let images = glance_images();
    assert_eq!(images.len(), 3);
    check_image_type(&images);
}

fn a_misspelled_field_is_reported() {
    let mut sources = spec();
    let file = sources.iter_mut().find(|s| s.path.ends_with("images.yaml"));
    let file = file.expect("spec/images.yaml");
    let text = file.text.replace("{name: min_disk,", "{name: min_disks,");
    assert_ne!(text, file.text);
    file.text = text;
    assert_eq!(
        never_seen(&declared(&sources, "image"), &glance_images()),
        ["min_disks"]
    );
}

/// Keys whose values are free-form maps: only their type is compared.
const FREE_FORM: &[&str] = &["metadata", "extra_specs", "scheduler_hints", "properties"];
/// Keys nova documents as nullable (its API reference): a null on one side matches any value.
const NULLABLE: &[&str] = &[
    "description",
    "locked_reason",
    "pinned_availability_zone",
    "trusted_image_certificates",
    "OS-EXT-SRV-ATTR:kernel_id",
    "OS-EXT-SRV-ATTR:ramdisk_id",
    "OS-EXT-SRV-ATTR:user_data",
];
/// Admin-only server attributes: nova's samples at 2.90+ leave them out, the local cloud's
/// admin account sees them.
const ADMIN_ONLY: &[&str] = &[
    "OS-EXT-SRV-ATTR:host",
    "OS-EXT-SRV-ATTR:hypervisor_hostname",
    "OS-EXT-SRV-ATTR:instance_name",
    "OS-EXT-SRV-ATTR:kernel_id",
    "OS-EXT-SRV-ATTR:launch_index",
    "OS-EXT-SRV-ATTR:ramdisk_id",
    "OS-EXT-SRV-ATTR:reservation_id",
    "OS-EXT-SRV-ATTR:root_device_name",
    "OS-EXT-SRV-ATTR:user_data",
    "host_status",
];

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Differences in keys and JSON types between a sample and a reply. A null matches only a
/// null, or any value of a key in `nullable`; every element of an
/// array is compared (with the sample's element at the same place, or its first).
fn shape_diff(sample: &Value, actual: &Value, at: &str, nullable: &[&str], out: &mut Vec<String>) {
    let key = at.rsplit('.').next().unwrap_or_default();
    match (sample, actual) {
        (Value::Null, Value::Null) => {}
        (Value::Null, _) | (_, Value::Null) if nullable.contains(&key) => {}
        (Value::Object(s), Value::Object(a)) => {
            for (k, sv) in s {
                match a.get(k) {
                    None => out.push(format!("{at}.{k}: missing")),
                    Some(av) if FREE_FORM.contains(&k.as_str()) => {
                        if kind(sv) != kind(av) {
                            out.push(format!("{at}.{k}: {} instead of {}", kind(av), kind(sv)));
                        }
                    }
                    Some(av) => shape_diff(sv, av, &format!("{at}.{k}"), nullable, out),
                }
            }
            for k in a.keys() {
                // A next link is there only when a page is full.
                if !s.contains_key(k) && !ADMIN_ONLY.contains(&k.as_str()) && !k.ends_with("_links")
                {
                    out.push(format!("{at}.{k}: not in the sample"));
                }
            }
        }
        (Value::Array(s), Value::Array(a)) => {
            for (i, av) in a.iter().enumerate() {
                if let Some(sv) = s.get(i).or(s.first()) {
                    shape_diff(sv, av, &format!("{at}[{i}]"), nullable, out);
                }
            }
        }
        (s, a) if kind(s) != kind(a) => {
            out.push(format!("{at}: {} instead of {}", kind(a), kind(s)))
        }
        _ => {}
    }
}

fn local_cloud_replies_match_the_samples(dir: PathBuf) {
    let cloud = Cloud::with_args(&["--build-time", "0.2"]);
    // One server a create sample: more than nova's default quota (which nova-sim enforces).
    let unlimited = serde_json::json!({"quota_set": {"instances": -1, "cores": -1, "ram": -1}});
    let quota = "/compute/v2.1/os-quota-sets/6f70656e737461636b20342065766572";
    assert_eq!(cloud.api("PUT", quota, "2.1", Some(unlimited)).0, 200);
    let keypair_key = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC1HTrHCbb9 Generated-by-Nova\n";
    let mut checked = 0;
    let mut problems = Vec::new();
    let mut counter = 0;
    for (path, version) in responses(
        &dir,
        &[
            "versions",
            "flavors",
            "flavor-manage",
            "servers",
            "os-keypairs",
            "os-create-backup",
            "images",
        ],
    ) {
        let file = path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default()
            .to_string();
        let v = version.as_str();
        counter += 1;
        // What to ask the local cloud for this sample; None: not a sample of ours.
        let (status, body) = match file.as_str() {
            "versions-get-resp.json" => cloud.api("GET", "/compute", v, None),
            "v21-version-get-resp.json" => cloud.api("GET", "/compute/v2.1", v, None),
            "flavor-get-resp.json" => cloud.api("GET", "/compute/v2.1/flavors/1", v, None),
            "flavors-detail-resp.json" => cloud.api("GET", "/compute/v2.1/flavors/detail", v, None),
            "flavors-list-resp.json" => cloud.api("GET", "/compute/v2.1/flavors", v, None),
            "flavor-create-post-resp.json" => cloud.api("POST", "/compute/v2.1/flavors", v, Some(json!({"flavor": {
                "name": format!("f{counter}"), "ram": 1024, "vcpus": 2, "disk": 10, "id": format!("f{counter}"), "description": "d"}}))),
            "server-create-resp.json" => cloud.api("POST", "/compute/v2.1/servers", v, Some(boot_body(counter, v))),
            "server-get-resp.json" | "servers-details-resp.json" | "servers-list-resp.json" => {
                if v == "2.69" {
                    continue; // a server in a down cell: a partial record nova builds on failure
                }
                let (_, created) = cloud.api("POST", "/compute/v2.1/servers", v, Some(boot_body(counter, v)));
                let id = created["server"]["id"].as_str().unwrap_or_default().to_string();
                std::thread::sleep(std::time::Duration::from_millis(300)); // until ACTIVE
                match file.as_str() {
                    "server-get-resp.json" => cloud.api("GET", &format!("/compute/v2.1/servers/{id}"), v, None),
                    "servers-details-resp.json" => cloud.api("GET", "/compute/v2.1/servers/detail?limit=1", v, None),
                    _ => cloud.api("GET", "/compute/v2.1/servers?limit=1", v, None),
                }
            }
            "keypairs-post-resp.json" if v < "2.92" || v.len() < 4 => {
                cloud.api("POST", "/compute/v2.1/os-keypairs", v, Some(json!({"keypair": {"name": format!("k{counter}")}})))
            }
            "keypairs-import-post-resp.json" => cloud.api("POST", "/compute/v2.1/os-keypairs", v,
                Some(json!({"keypair": {"name": format!("k{counter}"), "public_key": keypair_key}}))),
            "keypairs-get-resp.json" => {
                cloud.api("POST", "/compute/v2.1/os-keypairs", v, Some(json!({"keypair": {"name": format!("k{counter}"), "public_key": keypair_key}})));
                cloud.api("GET", &format!("/compute/v2.1/os-keypairs/k{counter}"), v, None)
            }
            "keypairs-list-resp.json" => cloud.api("GET", "/compute/v2.1/os-keypairs?limit=1", v, None),
            "create-backup-resp.json" => {
                let (_, created) = cloud.api("POST", "/compute/v2.1/servers", v, Some(boot_body(counter, v)));
                let id = created["server"]["id"].as_str().unwrap_or_default().to_string();
                std::thread::sleep(std::time::Duration::from_millis(300));
                cloud.api("POST", &format!("/compute/v2.1/servers/{id}/action"), v,
                    Some(json!({"createBackup": {"name": "b", "backup_type": "daily", "rotation": 1}})))
            }
            "image-get-resp.json" => cloud.api("GET", &format!("/compute/v2.1/images/{}", nova_sim::BASE_IMAGE_ID), v, None),
            "images-details-get-resp.json" => cloud.api("GET", "/compute/v2.1/images/detail", v, None),
            "images-list-get-resp.json" => cloud.api("GET", "/compute/v2.1/images", v, None),
            _ => continue,
        };
        assert!(status < 300, "{}: HTTP {status}: {body}", path.display());
        let sample = load(&dir, &path);
        let mut diff = Vec::new();
        shape_diff(&sample, &body, "", NULLABLE, &mut diff);
        for d in diff {
            problems.push(format!("{} (at {v}): {d}", path.display()));
        }
        checked += 1;
    }
    assert!(
        problems.is_empty(),
        "the local cloud differs from nova's samples:\n{}",
        problems.join("\n")
    );
    assert!(checked >= 60, "only {checked} samples were compared");
}

fn boot_body(n: usize, version: &str) -> Value {
    let mut server =
        json!({"name": format!("s{n}"), "flavorRef": "1", "imageRef": nova_sim::BASE_IMAGE_ID});
    let minor: u16 = version
        .split('.')
        .nth(1)
        .and_then(|m| m.parse().ok())
        .unwrap_or(1);
    if minor >= 37 {
        server["networks"] = json!("auto");
    }
    json!({ "server": server })
}

fn shape_diff_sees_nulls_and_every_element() {
    let sample = json!({"name": null, "description": null, "items": [{"a": 1}, {"a": 2}]});
    let same = json!({"name": null, "description": "d", "items": [{"a": 3}, {"a": 4}, {"a": 5}]});
    let mut diff = Vec::new();
    shape_diff(&sample, &same, "", NULLABLE, &mut diff);
    assert_eq!(diff, Vec::<String>::new());
    let other =
        json!({"name": "n", "description": null, "items": [{"a": 1}, {"b": 2}, {"a": "x"}]});
    shape_diff(&sample, &other, "", NULLABLE, &mut diff);
    assert_eq!(
        diff,
        [
            ".name: string instead of null",
            ".items[1].a: missing",
            ".items[1].b: not in the sample",
            ".items[2].a: string instead of number",
        ]
    );
}

/// Glance v2 image properties that are null when unset (the image schema's base properties).
const GLANCE_NULLABLE: &[&str] = &[
    "name",
    "checksum",
    "os_hash_algo",
    "os_hash_value",
    "size",
    "virtual_size",
    "container_format",
    "disk_format",
    "owner",
];

/// A fixture image without its extra properties (keys beyond Glance's base properties, which
/// every image has: those of the queued image of the list).
fn base_properties(image: &Value) -> Value {
    let base = glance_images().pop().unwrap_or_default();
    let mut out = serde_json::Map::new();
    for (k, v) in image.as_object().into_iter().flatten() {
        if base.get(k).is_some() {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

fn local_glance_replies_match_glance_v2() {
    let cloud = Cloud::start();
    let mut show = glance_images().remove(0);
    let list_path = root().join("tests/fixtures/glance/images-list.json");
    let list_text = std::fs::read_to_string(list_path).expect("Glance fixture");
    let mut list: Value = serde_json::from_str(&list_text).expect("Glance fixture JSON");
    show = base_properties(&show);
    if let Some(images) = list["images"].as_array_mut() {
        for i in images.iter_mut() {
            *i = base_properties(i);
        }
    }
    let id = nova_sim::BASE_IMAGE_ID;
    let mut diff = Vec::new();
    for (sample, path) in [
        (&show, format!("/image/v2/images/{id}")),
        (&list, "/image/v2/images".to_string()),
        (&list, "/image/v2/images?limit=1".to_string()),
    ] {
        let (status, body) = cloud.api("GET", &path, "2.1", None);
        assert_eq!(status, 200, "{path}: {body}");
        shape_diff(sample, &body, &path, GLANCE_NULLABLE, &mut diff);
        // What the client reads from it.
        for image in body["images"]
            .as_array()
            .cloned()
            .unwrap_or(vec![body.clone()])
        {
            if let Err(e) = Record::<Image>::decode(image) {
                diff.push(format!("{path}: {e}"));
            }
        }
    }
    assert!(
        diff.is_empty(),
        "nova-sim's Glance differs from Glance v2:\n{}",
        diff.join("\n")
    );
}

/// The images of the running realnova's Glance (its catalog's public image endpoint).
fn realnova_images(ready: &Ready) -> Vec<Value> {
    let var = |k: &str| {
        ready
            .env
            .iter()
            .find(|(name, _)| name == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let http = reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .expect("an HTTP client");
    let auth = json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": var("OS_USERNAME"), "password": var("OS_PASSWORD"),
            "domain": {"name": var("OS_USER_DOMAIN_NAME")}}}},
        "scope": {"project": {"name": var("OS_PROJECT_NAME"),
            "domain": {"name": var("OS_PROJECT_DOMAIN_NAME")}}}}});
    let images = (|| -> Result<Vec<Value>, String> {
        if var("OS_AUTH_URL").is_empty() {
            return Err("no OS_AUTH_URL in its openrc".into());
        }
        let url = format!("{}/auth/tokens", var("OS_AUTH_URL").trim_end_matches('/'));
        let reply = http
            .post(&url)
            .json(&auth)
            .send()
            .map_err(|e| e.to_string())?;
        let token = reply
            .headers()
            .get("x-subject-token")
            .and_then(|t| t.to_str().ok())
            .ok_or("no token from keystone")?
            .to_string();
        let body: Value = reply.json().map_err(|e| e.to_string())?;
        let image_url = body["token"]["catalog"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["type"] == "image")
            .flat_map(|s| s["endpoints"].as_array().cloned().unwrap_or_default())
            .find(|e| e["interface"] == "public")
            .and_then(|e| e["url"].as_str().map(str::to_string))
            .ok_or("no image endpoint in the catalog")?;
        let list: Value = http
            .get(format!("{}/v2/images", image_url.trim_end_matches('/')))
            .header("X-Auth-Token", token)
            .send()
            .and_then(|r| r.json())
            .map_err(|e| e.to_string())?;
        Ok(list["images"].as_array().cloned().unwrap_or_default())
    })();
    images.unwrap_or_else(|e| panic!("realnova's images ({}): {e}", ready.dir.display()))
}

fn the_image_type_and_local_glance_match_realnovas_glance(ready: Ready) {
    let real = realnova_images(&ready);
    // Its own images only: the snapshots other tests make are kept by nova's fake Glance as
    // nova sent them (min_ram "0", no formats), which real Glance would have normalised.
    let real: Vec<Value> = real
        .into_iter()
        .filter(|i| i.get("instance_uuid").is_none())
        .collect();
    assert!(real.len() >= 3, "{real:?}");
    // The client reads every image real nova's Glance serves, each field as sent.
    let fields = declared(&spec(), "image");
    for raw in &real {
        let image = Record::<Image>::decode(raw.clone()).unwrap_or_else(|e| panic!("{e}: {raw}"));
        let back = serde_json::to_value(&image.data).expect("an Image serializes");
        for k in fields.iter().filter(|k| raw.get(k.as_str()).is_some()) {
            assert_eq!(back.get(k), raw.get(k), "{k} of {}", raw["id"]);
        }
    }
    // nova-sim's image has each Glance property real nova's Glance sends, of the same type.
    let cloud = Cloud::start();
    let (status, local) = cloud.api(
        "GET",
        &format!("/image/v2/images/{}", nova_sim::BASE_IMAGE_ID),
        "2.1",
        None,
    );
    assert_eq!(status, 200, "{local}");
    let (mut diff, mut compared) = (Vec::new(), std::collections::BTreeSet::new());
    for raw in &real {
        for (k, v) in base_properties(raw).as_object().into_iter().flatten() {
            compared.insert(k.clone());
            match local.get(k) {
                None => diff.push(format!("{k}: missing (real: {v})")),
                Some(l) => shape_diff(v, l, k, GLANCE_NULLABLE, &mut diff),
            }
        }
    }
    // id, name, status, visibility, protected, size, min_disk, min_ram, the formats, times, tags
    assert!(compared.len() >= 12, "{compared:?}");
    diff.sort();
    diff.dedup();
    assert!(
        diff.is_empty(),
        "nova-sim's image differs from realnova's:\n{}",
        diff.join("\n")
    );
}
