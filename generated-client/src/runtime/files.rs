//! Local files `nova` reads (the CA bundle, clouds.yaml and secure.yaml, file arguments), each
//! read up to a bound: `/dev/zero` or a huge file is an error, not all of memory. A FIFO is
//! opened without waiting for a writer (one with none holds nothing).

use std::io::{self, Read};
use std::path::Path;

/// The most read of one local file: far more than any CA bundle, clouds.yaml or user data.
pub const MAX_LOCAL_FILE: u64 = 16 << 20;

/// The contents of the file at `path`, at most [`MAX_LOCAL_FILE`] bytes (more is an error of
/// kind `FileTooLarge` saying so). Callers name the file in their message.
pub fn read_bounded(path: &Path) -> io::Result<Vec<u8>> {
    read_capped(open(path)?, MAX_LOCAL_FILE)
}

/// All of `from` (standard input, a file), at most `cap` bytes (more is an error of kind
/// `FileTooLarge` saying so).
pub fn read_capped(from: impl Read, cap: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    from.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(cap));
    }
    Ok(bytes)
}

/// The error of a file larger than `cap` bytes, the cap in MiB or KiB.
pub fn too_large(cap: u64) -> io::Error {
    let size = if cap >= 1 << 20 && cap.is_multiple_of(1 << 20) {
        format!("{} MiB", cap >> 20)
    } else {
        format!("{} KiB", cap >> 10)
    };
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("it is larger than {size} (not read further)"),
    )
}

/// Open for reading without waiting for a FIFO's writer, then read as usual (blocking).
#[cfg(unix)]
fn open(path: &Path) -> io::Result<std::fs::File> {
    use rustix::fs::{fcntl_getfl, fcntl_setfl, OFlags};
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(OFlags::NONBLOCK.bits() as i32)
        .open(path)?;
    let flags = fcntl_getfl(&file)?;
    fcntl_setfl(&file, flags - OFlags::NONBLOCK)?;
    Ok(file)
}

#[cfg(not(unix))]
fn open(path: &Path) -> io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounded() {
        let cap = MAX_LOCAL_FILE as usize;
        assert_eq!(
            read_capped(&vec![7u8; cap][..], MAX_LOCAL_FILE)
                .map(|b| b.len())
                .ok(),
            Some(cap)
        );
        let e = read_capped(&vec![7u8; cap + 1][..], MAX_LOCAL_FILE).err();
        assert_eq!(e.map(|e| e.kind()), Some(io::ErrorKind::FileTooLarge));
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_read_up_to_the_bound() {
        let e = read_bounded(Path::new("/dev/zero")).err();
        assert!(e.is_some_and(|e| e.to_string().contains("larger than 16 MiB")));
    }
}
