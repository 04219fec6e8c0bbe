#!/usr/bin/env python3
"""A Python gRPC client against running Dossier services, as a user writes one.

Generates stubs from proto/ with grpcio-tools (into a temporary folder), then:
ingests documents through ImportDocuments, extracts entities with UTF-16 and
code-point offsets checked against Python's own string slicing, waits for the
index, and pages through a search.

    python3 tests/python/client_test.py STORAGE_ADDR EXTRACTION_ADDR SEARCH_ADDR

Exits non-zero on the first failed check; prints "N passed, 0 failed" at the end.
"""
import importlib.resources
import os
import sys
import tempfile
import time
import uuid

import grpc
from grpc_tools import protoc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROTO_DIR = os.path.join(ROOT, "proto")
PROTOS = ["dossier/v1/document.proto", "dossier/v1/extraction.proto", "dossier/v1/search.proto"]


def generate_stubs(out_dir):
    well_known = str(importlib.resources.files("grpc_tools") / "_proto")
    for proto in PROTOS:
        code = protoc.main([
            "grpc_tools.protoc", f"-I{PROTO_DIR}", f"-I{well_known}",
            f"--python_out={out_dir}", f"--grpc_python_out={out_dir}", proto,
        ])
        if code != 0:
            sys.exit(f"protoc failed on {proto}")
    sys.path.insert(0, out_dir)


passed = 0


def check(condition, what):
    global passed
    if not condition:
        print(f"FAILED: {what}")
        print(f"{passed} passed, 1 failed")
        sys.exit(1)
    passed += 1


def main():
    storage_addr, extraction_addr, search_addr = sys.argv[1:4]
    out_dir = tempfile.mkdtemp(prefix="dossier-py-")
    generate_stubs(out_dir)
    from dossier.v1 import document_pb2, document_pb2_grpc
    from dossier.v1 import extraction_pb2, extraction_pb2_grpc
    from dossier.v1 import search_pb2, search_pb2_grpc

    documents = document_pb2_grpc.DocumentServiceStub(grpc.insecure_channel(storage_addr))
    extraction = extraction_pb2_grpc.ExtractionServiceStub(grpc.insecure_channel(extraction_addr))
    search = search_pb2_grpc.SearchServiceStub(grpc.insecure_channel(search_addr))

    # Ingest: one response per request, in order.
    run = uuid.uuid4().hex[:8]
    marker = "quaywardens"
    requests = [
        document_pb2.ImportDocumentsRequest(
            request_id=f"py-{run}-{i}",
            document=document_pb2.Document(
                title=f"Harbour note {i}",
                body=f"The {marker} of Pier {i} logged a late arrival from Tallinn.",
                source="python-client",
                language="en",
            ),
        )
        for i in range(23)
    ]
    responses = list(documents.ImportDocuments(iter(requests)))
    check(len(responses) == len(requests), "one import response per request")
    check([r.request_id for r in responses] == [r.request_id for r in requests], "responses in order")
    check(all(r.outcome == document_pb2.IMPORT_OUTCOME_CREATED for r in responses), "all created")
    last_sequence = max(r.sequence for r in responses)

    # Extract with offsets in UTF-16 code units and in code points.
    text = "🙂 Олена Коваль met Ann Kowalska in 東京 and in Riga on Monday."
    for encoding in ("UTF16", "UTF32"):
        reply = extraction.Extract(extraction_pb2.ExtractRequest(
            text=text, offset_encoding=extraction_pb2.OffsetEncoding.Value(encoding)))
        check(len(reply.mentions) > 0, f"{encoding}: mentions found")
        for mention in reply.mentions:
            if encoding == "UTF32":
                sliced = text[mention.start:mention.end]
            else:
                units = text.encode("utf-16-le")
                sliced = units[2 * mention.start:2 * mention.end].decode("utf-16-le")
            check(sliced == mention.text, f"{encoding}: {mention.text!r} == text[{mention.start}:{mention.end}] ({sliced!r})")
    names = {m.text for m in reply.mentions}
    check("Riga" in names, f"Riga is found in {sorted(names)}")

    # A query typed by a person is read leniently: the unclosed parenthesis
    # is closed, and the response says so.
    typed = search.Search(search_pb2.SearchRequest(query="title:(unclosed"))
    check(typed.interpreted_query.changed, "a repaired query says it was changed")

    # Bad input gets INVALID_ARGUMENT with a message (strict syntax, as a
    # program that builds queries asks for it).
    try:
        search.Search(search_pb2.SearchRequest(
            query="title:(unclosed", syntax=search_pb2.QUERY_SYNTAX_STRICT))
        check(False, "a bad query is refused")
    except grpc.RpcError as err:
        check(err.code() == grpc.StatusCode.INVALID_ARGUMENT, f"bad query: {err.code()}")
        check(bool(err.details()), "bad query has a message")

    # Wait until search has indexed the import, then page through it.
    deadline = time.time() + 60
    while True:
        status = search.GetIndexStatus(search_pb2.GetIndexStatusRequest())
        if status.indexed_sequence >= last_sequence:
            break
        check(time.time() < deadline, f"indexed within 60 s ({status})")
        time.sleep(0.05)
    seen, token = [], ""
    while True:
        page = search.Search(search_pb2.SearchRequest(query=marker, page_size=5, page_token=token))
        seen.extend(hit.document_id for hit in page.hits)
        check(page.total_hits == len(requests), f"total_hits {page.total_hits}")
        if not page.next_page_token:
            break
        token = page.next_page_token
    check(sorted(seen) == sorted(r.document_id for r in responses), "paging returns every hit once")

    print(f"{passed} passed, 0 failed")


if __name__ == "__main__":
    main()
