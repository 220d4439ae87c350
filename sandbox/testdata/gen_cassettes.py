#!/usr/bin/env python3
"""Extract request sequences from the recorded X cassettes into small JSON files.

Run from the sandbox directory:  python3 testdata/gen_cassettes.py /work/shared/realdata
Writes testdata/cassettes/*.json. The media bytes are not kept (only their size,
kind and encoding); the tests regenerate media of the same kind and size. OAuth
values and cookies are dropped. See testdata/README.md for sources and licences.
"""
import base64
import gzip
import json
import os
import sys
import urllib.parse

import yaml

SRC = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/realdata"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cassettes")

KEEP_HEADERS = ["content-type", "content-length", "x-rate-limit-limit", "x-mediaid",
                "x-segmentcount", "x-totalbytes", "location"]

SOURCES = {
    "tweepy": {"repo": "tweepy/tweepy", "license": "MIT"},
    "twitteroauth": {"repo": "abraham/twitteroauth", "license": "MIT"},
    "extwitter": {"repo": "parroty/extwitter", "license": "MIT"},
}

CASSETTES = [
    ("tweepy", "testmediauploadpng.yaml", "cassettes/testmediauploadpng.yaml",
     "e4f3d05593a3bfcf688f76cac3b38101db234bba", "2021-01-12"),
    ("tweepy", "testmediauploadpng@84abf933.yaml", "cassettes/testmediauploadpng.yaml",
     "84abf933ec8f43c57bd56481c17e4d1457c47537", "2020-09-05"),
    ("tweepy", "testmediauploadgif.yaml", "cassettes/testmediauploadgif.yaml",
     "e4f3d05593a3bfcf688f76cac3b38101db234bba", "2021-01-12"),
    ("tweepy", "testmediauploadmp4.yaml", "cassettes/testmediauploadmp4.yaml",
     "d6028fea6813300d4fd95acde47a7ab303134086", "2021-01-14"),
    ("tweepy", "testvideoupload@84abf933.yaml", "cassettes/testvideoupload.yaml",
     "84abf933ec8f43c57bd56481c17e4d1457c47537", "2020-09-06"),
    ("tweepy", "test_client_create_and_delete_tweet.yaml", "cassettes/test_client_create_and_delete_tweet.yaml",
     "3038ab0a720983ec9c2bc5f93c5eacaf8fbed78b", "2021-11-03"),
    ("twitteroauth", "testPostStatusesUpdateWithMedia@71e29ba7.json", "tests/fixtures/testPostStatusesUpdateWithMedia.json",
     "71e29ba7cee789f0893ec3db5cfd5d6870f5a138", "2020-04-26"),
    ("twitteroauth", "testPostStatusesUpdateWithMediaChunked@71e29ba7.json",
     "tests/fixtures/testPostStatusesUpdateWithMediaChunked.json",
     "71e29ba7cee789f0893ec3db5cfd5d6870f5a138", "2020-04-26"),
    ("extwitter", "update_destroy_status_with_chunked_media.json",
     "fixture/vcr_cassettes/update_destroy_status_with_chunked_media.json",
     "5d92ae283903e3f7bd62a17c1b65426baf12cf0b", "2019-09-05"),
    ("extwitter", "update_destroy_status_with_chunked_media_options.json",
     "fixture/vcr_cassettes/update_destroy_status_with_chunked_media_options.json",
     "5d92ae283903e3f7bd62a17c1b65426baf12cf0b", "2019-09-05"),
]


def kind_of(data):
    if data[4:8] == b"ftyp":
        return "mp4"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"GIF":
        return "gif"
    if data[:2] == b"\xff\xd8":
        return "jpeg"
    return "unknown"


def media_info(field, data, encoding, filename=None, part_ct=None):
    info = {"field": field, "encoding": encoding, "size": len(data), "kind": kind_of(data)}
    if filename is not None:
        info["filename"] = filename
    if part_ct:
        info["part_content_type"] = part_ct
    if len(data) <= 1024:
        info["inline_base64"] = base64.b64encode(data).decode()
    return info


def parse_multipart(body, ctype):
    boundary = ctype.split("boundary=", 1)[1].strip().strip('"').encode()
    fields, media = [], None
    for chunk in body.split(b"--" + boundary):
        if chunk in (b"", b"--", b"--\r\n") or chunk.startswith(b"--"):
            continue
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk
        head, _, data = chunk.partition(b"\r\n\r\n")
        if data.endswith(b"\r\n"):
            data = data[:-2]
        headers = {}
        for line in head.decode("latin-1").split("\r\n"):
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        disp = headers.get("content-disposition", "")
        params = {}
        for p in disp.split(";")[1:]:
            if "=" in p:
                k, v = p.strip().split("=", 1)
                params[k] = v.strip('"')
        name = params.get("name")
        if name in ("media", "media[]", "media_data"):
            enc = "base64" if name == "media_data" else "raw"
            raw = base64.b64decode(data) if enc == "base64" else data
            media = media_info(name, raw, enc, params.get("filename"), headers.get("content-type"))
        else:
            fields.append([name, data.decode()])
    return fields, media


def parse_form(body):
    fields, media, oauth = [], None, False
    for k, v in urllib.parse.parse_qsl(body, keep_blank_values=True):
        if k.startswith("oauth_"):
            oauth = True
            continue
        if k in ("media", "media_data"):
            media = media_info(k, base64.b64decode(v), "base64")
            continue
        fields.append([k, v])
    return fields, media, oauth


def keep_headers(h):
    out = {}
    for k in KEEP_HEADERS:
        if k in h:
            v = h[k]
            out[k] = v[0] if isinstance(v, list) else v
    return out


def interaction(method, url, ctype, body, status, headers, resp_body):
    u = urllib.parse.urlsplit(url)
    it = {"method": method.upper(), "host": u.hostname, "path": u.path, "query": u.query}
    if u.path.startswith("/1.1/statuses/destroy") or method.upper() == "DELETE" \
            or u.path.endswith("update_with_media.json"):
        it["skip"] = "endpoint not served by the sandbox (not part of mediaup's flow)"
    fields, media, oauth_in_body = [], None, False
    if isinstance(body, str):
        body = body.encode("latin-1") if body else b""
    if body:
        if ctype and ctype.startswith("multipart/"):
            fields, media = parse_multipart(body, ctype)
            ctype = "multipart/form-data"
        elif ctype == "application/json":
            it["json_body"] = json.loads(body)
        else:
            fields, media, oauth_in_body = parse_form(body.decode())
            if ctype is None:
                it["content_type_note"] = "request Content-Type not recorded; the body is urlencoded"
            ctype = "application/x-www-form-urlencoded"
    it["content_type"] = ctype or ""
    it["fields"] = fields
    if media:
        it["media"] = media
    it["oauth_in_body"] = oauth_in_body
    it["status"] = status
    it["response_headers"] = keep_headers({k.lower(): v for k, v in headers.items()})
    it["response_body"] = resp_body
    return it


def load_tweepy(path):
    d = yaml.safe_load(open(path))
    out = []
    for x in d["interactions"]:
        rq, rs = x["request"], x["response"]
        h = {k.lower(): v for k, v in rq["headers"].items()}
        ctype = h.get("content-type", [None])[0]
        body = rs["body"]["string"]
        rh = {k.lower(): v for k, v in rs["headers"].items()}
        if isinstance(body, bytes):
            if rh.get("content-encoding", [""])[0] == "gzip":
                body = gzip.decompress(body)
            body = body.decode()
        out.append(interaction(rq["method"], rq["uri"], ctype, rq["body"], rs["status"]["code"], rh, body))
    return out


def load_twitteroauth(path):
    out = []
    for x in json.load(open(path)):
        rq, rs = x["request"], x["response"]
        ctype = rq["headers"].get("Content-Type")
        out.append(interaction(rq["method"], rq["url"], ctype, rq.get("body") or "",
                               int(rs["status"]["code"]), rs["headers"], rs.get("body") or ""))
    return out


def load_extwitter(path):
    out = []
    for x in json.load(open(path)):
        rq, rs = x["request"], x["response"]
        out.append(interaction(rq["method"], rq["url"], None, rq["body"], rs["status_code"][1],
                               rs["headers"], rs.get("body") or ""))
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for lib, name, src_path, commit, recorded in CASSETTES:
        path = os.path.join(SRC, lib, name)
        loader = {"tweepy": load_tweepy, "twitteroauth": load_twitteroauth, "extwitter": load_extwitter}[lib]
        doc = {
            "source": dict(SOURCES[lib], path=src_path, commit=commit, recorded=recorded,
                           copied_from="realdata/" + lib + "/" + name),
            "note": "Generated by testdata/gen_cassettes.py: request sequence, status codes, key headers and "
                    "response bodies; media replaced by kind and size; OAuth values dropped.",
            "interactions": loader(path),
        }
        base = os.path.splitext(name)[0].replace("@", "_at_")
        with open(os.path.join(OUT, lib + "_" + base + ".json"), "w") as f:
            json.dump(doc, f, indent=1, ensure_ascii=False)
            f.write("\n")


if __name__ == "__main__":
    main()
