#!/usr/bin/env python3
"""Opens a Tessera vault (format v1) from docs/vault-format.md alone, with Python's `cryptography`.

Usage: open_vault.py VAULT [--password-file FILE]
Without --password-file the vault must have a `none` slot. Prints
{"records": [...], "settings": {...}} as JSON: accounts in the shape of `tessera parse` plus "id",
"stamp" and "sites"; tombstones as {"id", "stamp", "deleted_at_millis"}.

Independent of the Rust code on purpose: it is the check that the document is exact.
"""
import base64
import json
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

MAGIC = b"TSRVAULT"
WRAP_AAD = b"tessera vault v1 data key"


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError("truncated")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self):
        return self.take(1)[0]

    def varint(self):
        value, shift = 0, 0
        for i in range(10):
            b = self.u8()
            value |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                if i > 0 and b == 0:
                    raise ValueError("varint not minimal")
                if value >= 1 << 64:
                    raise ValueError("varint above 64 bits")
                return value
        raise ValueError("varint too long")

    def bytes(self, limit):
        n = self.varint()
        if n > limit:
            raise ValueError("too large")
        return self.take(n)

    def string(self, limit):
        return self.bytes(limit).decode("utf-8")


def parse_header(data):
    if data[:8] != MAGIC:
        raise ValueError("not a vault")
    version, header_len, body_len = struct.unpack(">HHI", data[8:16])
    if version != 1:
        raise ValueError(f"unsupported format version {version}")
    if not 29 <= header_len <= 1024 or not 16 <= body_len <= 4 * 1024 * 1024:
        raise ValueError("bad lengths")
    if len(data) != header_len + body_len:
        raise ValueError("truncated or trailing bytes")
    header = data[:header_len]
    r = Reader(header[16:header_len - 12])
    count = r.u8()
    if not 1 <= count <= 4:
        raise ValueError("slot count")
    slots = []
    for _ in range(count):
        kind = r.u8()
        (length,) = struct.unpack(">H", r.take(2))
        payload = r.take(length)
        if kind == 0:
            if length != 32:
                raise ValueError("none slot length")
            slots.append({"kind": "none", "data_key": payload})
        elif kind == 1:
            kdf = payload[0]
            (iterations,) = struct.unpack(">I", payload[1:5])
            salt_len = payload[5]
            if kdf != 1:
                raise ValueError("unknown kdf")
            if not 10_000 <= iterations <= 10_000_000 or not 16 <= salt_len <= 64:
                raise ValueError("kdf parameters out of range")
            if length != 66 + salt_len:
                raise ValueError("password slot length")
            salt = payload[6:6 + salt_len]
            nonce = payload[6 + salt_len:18 + salt_len]
            wrapped = payload[18 + salt_len:]
            slots.append({"kind": "password", "iterations": iterations, "salt": salt, "nonce": nonce, "wrapped": wrapped})
        else:
            raise ValueError(f"unknown slot kind {kind}")
    if r.pos != len(r.data):
        raise ValueError("bytes after the slots")
    return header, slots, header[header_len - 12:], data[header_len:]


def data_key_from(slots, password):
    for slot in slots:
        if slot["kind"] == "none":
            return slot["data_key"]
    if password is None:
        raise ValueError("password required")
    for slot in slots:
        kek = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=slot["salt"], iterations=slot["iterations"]).derive(password)
        try:
            return AESGCM(kek).decrypt(slot["nonce"], slot["wrapped"], WRAP_AAD)
        except Exception:
            continue
    raise ValueError("wrong password or damaged vault")


TYPES = {0: "totp", 1: "hotp", 2: "steam"}
ALGORITHMS = {0: "SHA1", 1: "SHA256", 2: "SHA512"}


def read_account(r):
    otp_type, algorithm, digits = TYPES[r.u8()], ALGORITHMS[r.u8()], r.u8()
    period, counter = r.varint(), r.varint()
    secret = base64.b32encode(r.bytes(1024)).decode().rstrip("=")
    issuer, account = r.string(1024), r.string(1024)
    sites = [r.string(253) for _ in range(r.varint())]
    rec = {"type": otp_type, "issuer": issuer, "account": account,
           "secret": secret, "algorithm": algorithm, "digits": digits, "sites": sites}
    if otp_type == "hotp":
        rec["counter"] = counter
    else:
        rec["period"] = period
    return rec


def decode_body(plain):
    r = Reader(plain)
    version = r.varint()
    if version not in (1, 2):
        raise ValueError("unsupported body version")
    # Record kinds (section 3): bit 1 deleted, bit 2 pinned, bit 4 retained; version 1 knows 0 and 1.
    kinds = (0, 1) if version == 1 else (0, 1, 2, 3, 5, 7)
    devices = [r.take(8).hex() for _ in range(r.varint())]
    records = []
    for _ in range(r.varint()):
        kind = r.u8()
        if kind not in kinds:
            raise ValueError("record kind")
        rid = r.take(8).hex()
        stamp = {"millis": r.varint(), "counter": r.varint(), "device": devices[r.varint()]}
        if kind & 1:
            rec = {"id": rid, "stamp": stamp, "deleted_at_millis": r.varint()}
            if kind & 4:
                rec["retained"] = read_account(r)
        else:
            rec = {"id": rid, "stamp": stamp, **read_account(r)}
        if kind & 2:
            rec["pinned"] = True
        records.append(rec)
    settings = {}
    for _ in range(r.varint()):
        key = r.string(64)
        settings[key] = r.string(4096)
    if r.pos != len(plain):
        raise ValueError("trailing bytes in the body")
    return {"records": records, "settings": settings}


def open_vault(data, password):
    header, slots, body_nonce, body = parse_header(data)
    data_key = data_key_from(slots, password)
    plain = AESGCM(data_key).decrypt(body_nonce, body, header)
    return decode_body(plain)


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--password-file"):
        sys.exit(__doc__)
    password = None
    if len(argv) == 4:
        with open(argv[3], "rb") as f:
            password = f.read().rstrip(b"\r\n")
    with open(argv[1], "rb") as f:
        data = f.read()
    json.dump(open_vault(data, password), sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
