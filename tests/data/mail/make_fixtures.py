#!/usr/bin/env python3
"""Writes the mail fixtures in this directory with Python's standard `email` package.

The fixtures are committed; this script documents how they were made and regenerates them:

    python3 tests/data/mail/make_fixtures.py

Dates, Message-IDs and MIME boundaries are fixed so that the output is reproducible. Files are
written with CRLF line endings (email.policy.SMTP) unless the name says `.lf.`; the tests read
each one with both LF and CRLF endings.

What each fixture exercises is asserted in tests/mail_fixtures.rs.
"""

import mailbox
import os
import sys
from email import policy
from email.message import EmailMessage
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.mime.message import MIMEMessage
from email import encoders

HERE = os.path.dirname(os.path.abspath(__file__))
DATE = "Mon, 01 Jul 2024 09:00:00 +1200"


def write(name, msg, pol=policy.SMTP):
    path = os.path.join(HERE, name)
    with open(path, "wb") as f:
        f.write(msg.as_bytes(policy=pol))
    print("wrote", name)


def base_headers(msg, subject, n):
    msg["From"] = "Analyst <analyst@agency.govt.nz>"
    msg["To"] = "Manager <manager@agency.govt.nz>"
    msg["Date"] = DATE
    msg["Message-ID"] = f"<fixture-{n}@agency.govt.nz>"
    msg["Subject"] = subject


def headers_all_dialects():
    msg = EmailMessage(policy=policy.SMTP)
    base_headers(msg, "Budget bid [IN-CONFIDENCE]", 1)
    msg["X-Protective-Marking"] = (
        "VER=2024.1, NS=govt.nz, SEC=RESTRICTED, ORIGIN=a@agency.govt.nz"
    )
    guid = "0f1e2d3c-4b5a-4697-8877-665544332211"
    msg["msip_labels"] = (
        f"MSIP_Label_{guid}_Enabled=true; MSIP_Label_{guid}_SetDate=2024-07-01T09:00:00Z; "
        f"MSIP_Label_{guid}_Method=Standard; MSIP_Label_{guid}_Name=In Confidence; "
        f"MSIP_Label_{guid}_SiteId=11111111-2222-3333-4444-555555555555; "
        f"MSIP_Label_{guid}_ActionId=aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee; "
        f"MSIP_Label_{guid}_ContentBits=0"
    )
    msg["x-tituslabs-classifications-30"] = (
        "TLPropertyRoot=Agency;Classification=IN-CONFIDENCE;"
    )
    msg["X-Security-Classification"] = "IN-CONFIDENCE"
    msg.set_content("IN-CONFIDENCE\n\nPlease find the budget bid below.\n\nIN-CONFIDENCE\n")
    write("headers_all_dialects.eml", msg)


def folded_rfc2047_subject():
    msg = EmailMessage(policy=policy.SMTP)
    # Non-ASCII and long: the policy encodes it as several RFC 2047 words over folded lines.
    base_headers(
        msg,
        "Résumé für den Minister – Haushaltsentwurf und Begleitschreiben "
        "[SEC=OFFICIAL:Sensitive, ACCESS=Legal-Privilege]",
        2,
    )
    msg.set_content("OFFICIAL: Sensitive\n\nSee attached.\n")
    write("folded_rfc2047_subject.eml", msg)


def qp_soft_break():
    # Pad the line so that the quoted-printable encoder's soft line break (at 76 columns)
    # falls inside "TOP-SECRET" (`TOP-=\r\nSECRET`): the decoder must join the soft break.
    for pad in range(40, 90):
        line = "x" * pad + " TOP-SECRET café briefing for the minister, not for release"
        # iso-8859-1 bodies are quoted-printable encoded by the email package.
        part = MIMEText(line + "\n", "plain", "iso-8859-1")
        if "TOP-=\n" in part.get_payload():
            break
    else:
        sys.exit("could not place the soft break")
    msg = MIMEMultipart("mixed", boundary="==qp-boundary==")
    base_headers(msg, "Soft break", 3)
    msg.attach(part)
    write("qp_soft_break.eml", msg)


def html_body():
    msg = MIMEMultipart("alternative", boundary="==alt-boundary==")
    base_headers(msg, "HTML body", 4)
    msg.attach(MIMEText("SENSITIVE\n\nThe plan.\n\nSENSITIVE\n", "plain", "utf-8"))
    html = """<html><head><title>TOP SECRET title</title>
<style>p { color: red; } /* SECRET */</style></head>
<body><div style="text-align:center"><b>SENSITIVE</b></div>
<p>The plan &amp; the numbers&nbsp;&#8211; see below.</p>
<script>document.write("<p>CONFIDENTIAL</p>");</script>
<!-- RESTRICTED draft marking removed -->
<table><tr><td>Cost</td><td>$1m</td></tr></table>
<div>On Sun, 30 Jun 2024, Manager wrote:</div>
<blockquote><p>IN-CONFIDENCE</p><p>Earlier text.</p></blockquote>
<div><b>SENSITIVE</b></div></body></html>"""
    msg.attach(MIMEText(html, "html", "utf-8"))
    write("html_body.eml", msg)


def inner_message():
    inner = MIMEMultipart("mixed", boundary="==inner-boundary==")
    inner["From"] = "Deputy <deputy@agency.govt.nz>"
    inner["Date"] = DATE
    inner["Message-ID"] = "<inner-1@agency.govt.nz>"
    inner["Subject"] = "[SECRET] Inner forwarded message"
    inner["X-Protective-Marking"] = "VER=2024.1, NS=govt.nz, SEC=SECRET, ORIGIN=d@agency.govt.nz"
    inner.attach(MIMEText("SECRET\n\nInner body.\n\nSECRET\n", "plain", "utf-8"))
    att = MIMEBase("text", "csv")
    att.set_payload(b"a,b\n1,2\n")
    encoders.encode_base64(att)
    att.add_header("Content-Disposition", "attachment", filename="inner.csv")
    inner.attach(att)
    return inner


def attachments_nested():
    msg = MIMEMultipart("mixed", boundary="==outer-boundary==")
    base_headers(msg, "Fwd: [SECRET] Inner forwarded message", 5)
    msg.attach(MIMEText("RESTRICTED\n\nForwarding the note below.\n", "plain", "utf-8"))
    pdf = MIMEBase("application", "pdf")
    pdf.set_payload(b"%PDF-1.4\n% fake pdf bytes for the fixture\n%%EOF\n")
    encoders.encode_base64(pdf)
    # Non-ASCII file name: written as an RFC 2231 filename* parameter.
    pdf.add_header(
        "Content-Disposition", "attachment", filename=("utf-8", "", "brief RESTRICTED é.pdf")
    )
    msg.attach(pdf)
    msg.attach(MIMEMessage(inner_message()))
    write("attachments_nested.eml", msg)


def nested_base64_levels(levels):
    """A message/rfc822 chain where every level is base64-encoded: mail-parser on its own
    parses only 3 encoded levels."""
    current = EmailMessage(policy=policy.SMTP)
    current["Subject"] = f"level {levels} [TOP SECRET]"
    current["Message-ID"] = f"<level-{levels}@agency.govt.nz>"
    current.set_content("TOP SECRET\n\ninnermost\n")
    for level in range(levels - 1, -1, -1):
        outer = MIMEMultipart("mixed", boundary=f"==level-{level}==")
        outer["Subject"] = f"level {level}"
        outer["Message-ID"] = f"<level-{level}@agency.govt.nz>"
        outer.attach(MIMEText(f"level {level} text\n", "plain", "utf-8"))
        wrapped = MIMEBase("message", "rfc822")
        wrapped.set_payload(current.as_bytes(policy=policy.SMTP))
        encoders.encode_base64(wrapped)
        outer.attach(wrapped)
        current = outer
    write(f"nested_base64_{levels}_levels.eml", current)


def reply_quoted():
    msg = EmailMessage(policy=policy.SMTP)
    base_headers(msg, "RE: [IN-CONFIDENCE] Budget bid", 6)
    msg["In-Reply-To"] = "<fixture-1@agency.govt.nz>"
    msg["References"] = "<fixture-0@agency.govt.nz> <fixture-1@agency.govt.nz>"
    msg.set_content(
        "IN-CONFIDENCE\n"
        "\n"
        "Agreed, see my notes inline.\n"
        "\n"
        "On Mon, 1 Jul 2024 at 09:00, Analyst <analyst@agency.govt.nz> wrote:\n"
        "> SENSITIVE\n"
        ">\n"
        "> Please find the budget bid below.\n"
        "\n"
        "IN-CONFIDENCE\n"
        "\n"
        "-----Original Message-----\n"
        "From: Deputy <deputy@agency.govt.nz>\n"
        "Sent: Sunday, 30 June 2024 17:00\n"
        "To: Analyst <analyst@agency.govt.nz>\n"
        "Subject: [RESTRICTED] Budget bid\n"
        "\n"
        "RESTRICTED\n"
        "Original text.\n"
    )
    write("reply_quoted.eml", msg)


def lf_message():
    msg = EmailMessage(policy=policy.default)
    base_headers(msg, "IN-CONFIDENCE: LF line endings", 7)
    msg.set_content("IN-CONFIDENCE\n\nWritten with LF endings.\n")
    write("lf_endings.lf.eml", msg, policy.default)


def mbox_three():
    path = os.path.join(HERE, "three.mbox")
    if os.path.exists(path):
        os.remove(path)
    box = mailbox.mbox(path)
    for i, subject in enumerate(
        ["[IN-CONFIDENCE] one", "SENSITIVE: two", "three [SEC=OFFICIAL]"], start=1
    ):
        m = EmailMessage(policy=policy.default)
        base_headers(m, subject, 100 + i)
        m.set_content(f"Message {i}.\nFrom the office of the minister.\n")
        mm = mailbox.mboxMessage(m)
        mm.set_from("analyst@agency.govt.nz", (2024, 7, 1, 9, i, 0, 0, 183, 0))
        box.add(mm)
    box.flush()
    box.close()
    print("wrote three.mbox")


if __name__ == "__main__":
    headers_all_dialects()
    folded_rfc2047_subject()
    qp_soft_break()
    html_body()
    attachments_nested()
    nested_base64_levels(5)
    reply_quoted()
    lf_message()
    mbox_three()
