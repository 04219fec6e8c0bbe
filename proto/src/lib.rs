//! The `dossier.v1` gRPC API, compiled from `proto/dossier/v1/*.proto`.
//!
//! Every other crate takes its generated messages, clients and servers from
//! here, so there is one copy of the wire types in the workspace.

/// Generated code for package `dossier.v1`.
pub mod v1 {
    #![allow(clippy::all, clippy::pedantic, missing_docs)]
    tonic::include_proto!("dossier.v1");
}

/// The encoded `FileDescriptorSet` of every dossier proto and its imports,
/// for gRPC server reflection and for tools that read messages dynamically.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/dossier_descriptor.bin"));

/// Fully qualified service names, as reflection and health report them.
pub mod service_names {
    pub const DOCUMENT: &str = "dossier.v1.DocumentService";
    pub const EXTRACTION: &str = "dossier.v1.ExtractionService";
    pub const SEARCH: &str = "dossier.v1.SearchService";
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    #[test]
    fn descriptor_set_has_every_service() {
        let set = prost_types::FileDescriptorSet::decode(FILE_DESCRIPTOR_SET).unwrap();
        let services: Vec<String> = set
            .file
            .iter()
            .filter(|f| f.package() == "dossier.v1")
            .flat_map(|f| f.service.iter().map(|s| format!("dossier.v1.{}", s.name())))
            .collect();
        for name in [
            service_names::DOCUMENT,
            service_names::EXTRACTION,
            service_names::SEARCH,
        ] {
            assert!(
                services.iter().any(|s| s == name),
                "{name} missing from {services:?}"
            );
        }
    }
}
