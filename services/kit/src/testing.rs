//! Raw protobuf over gRPC, for tests that must send what no generated
//! client can build: a string field that is not UTF-8, or bytes that are no
//! protobuf at all.
//!
//! It lives in dossier-kit behind the `testing` feature because every test
//! tier needs it and kit is the one crate they all reach: the storage and
//! extraction integration tests cannot depend on `dossier-tests` (it depends
//! on them), and the proto crate holds generated code only. Crates enable the
//! feature from their `[dev-dependencies]` alone, so no server binary carries
//! this code.

use bytes::{Buf, BufMut};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::Channel;
use tonic::{Request, Status, Streaming};

/// Passes messages through as the bytes they are: requests are sent as
/// given, responses come back undecoded.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawCodec;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> RawCodec {
        RawCodec
    }

    fn decoder(&mut self) -> RawCodec {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining()).to_vec()))
    }
}

/// One length-delimited protobuf field (string, bytes or an embedded
/// message) holding `bytes` exactly as given.
pub fn field(number: u32, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 6);
    varint(&mut out, (u64::from(number) << 3) | 2);
    varint(&mut out, bytes.len() as u64);
    out.extend_from_slice(bytes);
    out
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Calls the unary method at `path` ("/dossier.v1.DocumentService/GetDocument")
/// with `body` as the request; the response comes back as its bytes.
pub async fn unary(channel: Channel, path: &str, body: Vec<u8>) -> Result<Vec<u8>, Status> {
    let path = method_path(path)?;
    let mut grpc = ready(channel).await?;
    grpc.unary(Request::new(body), path, RawCodec)
        .await
        .map(|response| response.into_inner())
}

/// Calls the bidirectional-streaming method at `path` with `bodies` as the
/// request stream.
pub async fn streaming(
    channel: Channel,
    path: &str,
    bodies: Vec<Vec<u8>>,
) -> Result<Streaming<Vec<u8>>, Status> {
    let path = method_path(path)?;
    let mut grpc = ready(channel).await?;
    let requests = Request::new(tokio_stream::iter(bodies));
    grpc.streaming(requests, path, RawCodec)
        .await
        .map(|response| response.into_inner())
}

async fn ready(channel: Channel) -> Result<tonic::client::Grpc<Channel>, Status> {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|err| Status::unavailable(err.to_string()))?;
    Ok(grpc)
}

fn method_path(path: &str) -> Result<PathAndQuery, Status> {
    PathAndQuery::try_from(path.to_string())
        .map_err(|err| Status::invalid_argument(format!("{path:?} is no method path: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_carry_their_number_wire_type_and_length() {
        assert_eq!(field(1, b"ab"), [0x0a, 2, b'a', b'b']);
        assert_eq!(field(3, &[]), [0x1a, 0]);
        let long = field(2, &[0; 300]);
        assert_eq!(long[..3], [0x12, 0xac, 0x02]);
        assert_eq!(long.len(), 303);
    }
}
