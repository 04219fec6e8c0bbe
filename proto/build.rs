//! Compiles proto/dossier/v1/*.proto with protox, a pure-Rust protobuf
//! compiler, so a fresh machine needs no `protoc`.

use std::path::PathBuf;

const PROTOS: &[&str] = &[
    "dossier/v1/document.proto",
    "dossier/v1/extraction.proto",
    "dossier/v1/search.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    for proto in PROTOS {
        println!("cargo:rerun-if-changed={}", root.join(proto).display());
    }
    let descriptors = protox::compile(PROTOS, [&root])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("dossier_descriptor.bin"),
        prost::Message::encode_to_vec(&descriptors),
    )?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(descriptors)?;
    Ok(())
}
