#!/usr/bin/env python3
"""Writes the test messages for the milter end-to-end and load tests.

    scripts/milter_messages.py OUTDIR

OUTDIR/inbound.tsv lists the inbound-marking cases: name, sender, recipients, expected
outcome, reply prefix, then the Subject and X-Protective-Marking the delivered copy must carry,
and last the reply text.

Each case is OUTDIR/<name>.eml (CRLF line ends) and a line in OUTDIR/cases.tsv:
name, envelope sender, envelope recipients (comma-separated; more than the To: header
when a recipient is Bcc'd), expected outcome (deliver / reject / tempfail / hold), the
expected SMTP reply prefix and a text the reply must contain (a rule id; may be empty). Every message carries a unique X-Test-Id header so a
delivered copy can be found. DOCX attachments are minimal WordprocessingML packages built
here with zipfile.
"""
import base64
import io
import os
import sys
import zipfile

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx(paragraphs):
    """A minimal DOCX whose body has these paragraphs."""
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    )
    doc = f'<?xml version="1.0"?><w:document {W_NS}><w:body>{body}</w:body></w:document>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", doc)
    return buf.getvalue()


def b64(data):
    s = base64.b64encode(data).decode()
    return "\r\n".join(s[i : i + 76] for i in range(0, len(s), 76))


def message(test_id, sender, to, subject, body, extra_headers=(), attachment=None):
    lines = [
        f"From: Sender <{sender}>",
        f"To: {to}",
        f"Subject: {subject}",
        f"Message-ID: <{test_id}@pm-test.local>",
        "Date: Mon, 01 Jul 2024 09:00:00 +1200",
        f"X-Test-Id: {test_id}",
        "MIME-Version: 1.0",
        *extra_headers,
    ]
    if attachment is None:
        lines += ['Content-Type: text/plain; charset="utf-8"', "", body]
    else:
        name, ctype, data = attachment
        lines += [
            'Content-Type: multipart/mixed; boundary="pm-boundary"',
            "",
            "--pm-boundary",
            'Content-Type: text/plain; charset="utf-8"',
            "",
            body,
            "--pm-boundary",
            f'Content-Type: {ctype}; name="{name}"',
            f'Content-Disposition: attachment; filename="{name}"',
            "Content-Transfer-Encoding: base64",
            "",
            b64(data),
            "--pm-boundary--",
        ]
    return ("\r\n".join(lines) + "\r\n").encode()


SENDER = "alice@agency.govt.nz"
GOV = "bob@partner.govt.nz"
EXT = "carol@example.com"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def cases():
    """(name, sender, recipients, expect, reply prefix, reply text, message bytes)"""
    yield (
        "marked_ok", SENDER, [EXT], "deliver", "250", "",
        message("marked_ok", SENDER, EXT, "[IN-CONFIDENCE] Minutes", "IN-CONFIDENCE\r\n\r\nThe minutes.\r\n"),
    )
    yield (
        "restricted_nzeo_gov", SENDER, [GOV], "deliver", "250", "",
        message("restricted_nzeo_gov", SENDER, GOV, "[RESTRICTED//NZEO] Plan", "RESTRICTED//NZEO\r\n\r\nThe plan.\r\n"),
    )
    yield (
        "unmarked", SENDER, [EXT], "reject", "550 5.7.1", "NZISM 15.1.11.C.01",
        message("unmarked", SENDER, EXT, "Lunch", "No marking here.\r\n"),
    )
    yield (
        "over_ceiling", SENDER, [EXT], "reject", "550 5.7.1", "NZISM 15.2.40.C.01",
        message("over_ceiling", SENDER, EXT, "[RESTRICTED] Plan", "RESTRICTED\r\n\r\nThe plan.\r\n"),
    )
    # The To: header names only the government recipient; carol is Bcc'd (envelope only).
    yield (
        "bcc_over_ceiling", SENDER, [GOV, EXT], "reject", "550 5.7.1", "ceiling of the path to carol@example.com",
        message("bcc_over_ceiling", SENDER, GOV, "[RESTRICTED] Plan", "RESTRICTED\r\n\r\nThe plan.\r\n"),
    )
    yield (
        "under_marked_docx", SENDER, [GOV], "reject", "550 5.7.1", "NZISM 15.1.11.C.02",
        message(
            "under_marked_docx", SENDER, GOV, "[IN-CONFIDENCE] Report", "IN-CONFIDENCE\r\n\r\nReport attached.\r\n",
            attachment=("report.docx", DOCX, docx(["RESTRICTED", "The report.", "RESTRICTED"])),
        ),
    )
    yield (
        "under_marked_text", SENDER, [GOV], "reject", "550 5.7.1", "NZISM 15.1.11.C.02",
        message(
            "under_marked_text", SENDER, GOV, "[IN-CONFIDENCE] Notes", "IN-CONFIDENCE\r\n\r\nNotes attached.\r\n",
            attachment=("notes.txt", "text/plain", b"RESTRICTED\r\n\r\nThe notes.\r\n\r\nRESTRICTED\r\n"),
        ),
    )
    # A marking that does not parse (a misspelt endorsement): NZISM 15.2.39.C.03.
    yield (
        "malformed_marking", SENDER, [GOV], "reject", "550 5.7.1", "NZISM 15.2.39.C.03",
        message("malformed_marking", SENDER, GOV, "[IN-CONFIDENCE//NZEOO] Notes", "IN-CONFIDENCE\r\n\r\nNotes.\r\n"),
    )
    # Malformed MIME: the declared boundary never appears, so the parts cannot be told
    # apart; the message is unreadable and gets on_error (tempfail in the test policy).
    malformed = (
        "From: Sender <alice@agency.govt.nz>\r\nTo: bob@partner.govt.nz\r\n"
        "Subject: [IN-CONFIDENCE] Broken\r\nX-Test-Id: malformed_mime\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="never-appears"\r\n\r\n'
        "--nearly\r\nContent-Type: text/plain\r\n\r\nIN-CONFIDENCE body\r\n--nearly--\r\n"
    ).encode()
    yield ("malformed_mime", SENDER, [GOV], "tempfail", "451 4.7.1", "NZISM 15.2.37.C.01", malformed)
    # A reply marked below the marking it quotes (NZISM 15.1.10.C.03): held for review.
    reply_body = (
        "IN-CONFIDENCE\r\n\r\nAgreed.\r\n\r\n-----Original Message-----\r\n"
        "From: Deputy <deputy@agency.govt.nz>\r\nSubject: [RESTRICTED] Budget bid\r\n\r\n"
        "Original text.\r\n\r\nRESTRICTED\r\n"
    )
    yield (
        "downgrade_reply", "downgrade@agency.govt.nz", [GOV], "hold", "250", "",
        message(
            "downgrade_reply", "downgrade@agency.govt.nz", GOV, "RE: [IN-CONFIDENCE] Budget bid", reply_body,
            extra_headers=("In-Reply-To: <fixture-1@agency.govt.nz>",),
        ),
    )


# A subject of two folded RFC 2047 encoded words ("Kia ora ā mail ā" + "whānau"): the
# gateway must append its marking without decoding or re-folding them.
ENCODED_SUBJECT = "=?UTF-8?B?S2lhIG9yYSDEgSBtYWlsIMSB?=\r\n =?UTF-8?Q?wh=C4=81nau?="
AGENCY = "analyst@agency.govt.nz"


def inbound_cases():
    """For the inbound policy (tests/data/milter/inbound.toml): (name, sender, recipients,
    expect, reply prefix, reply text, delivered Subject, delivered X-Protective-Marking,
    message bytes). The Subject is as the delivered copy must carry it (folding as CRLF);
    "-" means the header must be absent, "*" that it is not checked."""
    yield (
        "inbound_unmarked", "someone@example.com", [AGENCY], "deliver", "250", "",
        ENCODED_SUBJECT + " [UNCLASSIFIED]", "VER=2024.1, NS=govt.nz, SEC=UNCLASSIFIED",
        message("inbound_unmarked", "someone@example.com", AGENCY, ENCODED_SUBJECT, "Hello.\r\n"),
    )
    # An Australian marking, rewritten to the NZ equivalent under the default mapping
    # (OFFICIAL: Sensitive -> IN-CONFIDENCE).
    yield (
        "inbound_foreign", "officer@agency.gov.au", [AGENCY], "deliver", "250", "",
        "Budget figures [IN-CONFIDENCE]", "-",
        message("inbound_foreign", "officer@agency.gov.au", AGENCY, "Budget figures [SEC=OFFICIAL:Sensitive]", "Figures.\r\n"),
    )
    # Unmarked mail from a government agency is not marked: its originator should be asked
    # (NZISM 15.1.14.C.01); the policy's unmarked action (reject) applies.
    yield (
        "inbound_unmarked_gov", GOV, [AGENCY], "reject", "550 5.7.1", "NZISM 15.1.12.C.01",
        "*", "*",
        message("inbound_unmarked_gov", GOV, AGENCY, "Lunch", "No marking.\r\n"),
    )
    yield (
        "inbound_marked", "someone@example.com", [AGENCY], "deliver", "250", "",
        "[IN-CONFIDENCE] Minutes", "-",
        message("inbound_marked", "someone@example.com", AGENCY, "[IN-CONFIDENCE] Minutes", "IN-CONFIDENCE\r\n\r\nMinutes.\r\n"),
    )


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "cases.tsv"), "w") as tsv:
        for name, sender, rcpts, expect, reply, text, data in cases():
            with open(os.path.join(out, name + ".eml"), "wb") as f:
                f.write(data)
            tsv.write(f"{name}\t{sender}\t{','.join(rcpts)}\t{expect}\t{reply}\t{text}\n")
    with open(os.path.join(out, "inbound.tsv"), "w") as tsv:
        for name, sender, rcpts, expect, reply, text, subject, marking, data in inbound_cases():
            with open(os.path.join(out, name + ".eml"), "wb") as f:
                f.write(data)
            subject = subject.replace("\r\n", "\\r\\n")
            # The reply text, which may be empty, goes last (a shell `read` folds empty
            # fields between tabs).
            tsv.write(
                f"{name}\t{sender}\t{','.join(rcpts)}\t{expect}\t{reply}\t{subject}\t{marking}\t{text}\n"
            )


if __name__ == "__main__":
    main()
