#!/usr/bin/env python3
"""Writes the message-analysis fixtures in analysis/ with Python's standard `email` package
(real MIME from a real mail library, not hand-written). Deterministic: fixed dates, ids and
boundaries. Run from this directory: python3 make_analysis_fixtures.py

Each fixture exercises one marking carrier (header, subject, body, attachment) or one rule of
NZISM 15.1-15.2; the test tests/mail/mail_analysis.rs states what each must produce.
"""
import io
import os
import zipfile
from email.message import EmailMessage
from email.policy import SMTP

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis")
CORPUS_PDF = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "../../../../shared/corpus/third_party/pdf/pypdf_libreoffice-writer-password.pdf")


def docx(header_text, body_lines):
    """A minimal WordprocessingML package with one header and body paragraphs."""
    buf = io.BytesIO()
    W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    paras = "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in body_lines)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                   '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                   '</Relationships>')
        z.writestr("word/_rels/document.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rIdH1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>'
                   '</Relationships>')
        z.writestr("word/document.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{paras}'
                   '<w:sectPr><w:headerReference w:type="default" r:id="rIdH1"/></w:sectPr></w:body></w:document>')
        z.writestr("word/header1.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><w:hdr {W}><w:p><w:r><w:t>{header_text}</w:t></w:r></w:p></w:hdr>')
    return buf.getvalue()


def message(subject, body, sender="analyst@agency.govt.nz", headers=(), msg_id="1"):
    m = EmailMessage(policy=SMTP)
    m["From"] = sender
    m["To"] = "minister@office.govt.nz"
    m["Subject"] = subject
    m["Date"] = "Mon, 23 Nov 2026 09:00:00 +1300"
    m["Message-ID"] = f"<analysis-{msg_id}@agency.govt.nz>"
    for k, v in headers:
        m[k] = v
    m.set_content(body)
    return m


def write(name, m):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(m.as_bytes())


def main():
    os.makedirs(OUT, exist_ok=True)
    body = "IN-CONFIDENCE\n\nThe figures are attached.\n\nIN-CONFIDENCE\n"
    write("subject_bracket.eml", message("Budget bid [IN-CONFIDENCE]", body, msg_id="a1"))
    write("subject_leading.eml", message("SENSITIVE: Budget - draft figures", "Hello\n", msg_id="a2"))
    write("subject_sec_nz.eml", message("Cabinet paper [SEC=RESTRICTED]", "Hello\n", msg_id="a3"))
    write("subject_sec_au.eml", message("Joint brief [SEC=PROTECTED]", "Hello\n",
                                        sender="officer@dfat.gov.au", msg_id="a4"))
    write("subject_seemail_only.eml", message("[SEEMAIL] Meeting notes", "Hello\n", msg_id="a5"))
    write("subject_malformed.eml", message("Party [SECRET SQUIRREL]", "Hello\n", msg_id="a6"))
    write("subject_list_tag.eml", message("[Shapelib] release 1.6 [IN-CONFIDENCE]", "Hello\n", msg_id="a7"))
    write("header_nz.eml", message("Cabinet paper", "Hello\n", headers=[
        ("X-Protective-Marking", "VER=2024.1, NS=govt.nz, SEC=RESTRICTED, CAVEAT=NZEO, ORIGIN=analyst@agency.govt.nz")], msg_id="b1"))
    write("header_au_foreign.eml", message("Joint brief", "Hello\n", sender="officer@dfat.gov.au", headers=[
        ("X-Protective-Marking", "VER=2024.1, NS=gov.au, SEC=OFFICIAL:Sensitive, CAVEAT=RI:AUSTEO, ORIGIN=officer@dfat.gov.au")], msg_id="b2"))
    write("header_security_classification.eml", message("Notes", "Hello\n", headers=[
        ("X-Security-Classification", "BUDGET SENSITIVE")], msg_id="b3"))
    write("header_msip.eml", message("Notes", "Hello\n", headers=[
        ("msip_labels", "MSIP_Label_0f1e2d3c-4b5a-4697-8877-665544332211_Enabled=true; "
                        "MSIP_Label_0f1e2d3c-4b5a-4697-8877-665544332211_Name=Staff Only; "
                        "MSIP_Label_0f1e2d3c-4b5a-4697-8877-665544332211_SiteId=aaaa")], msg_id="b4"))
    write("header_titus.eml", message("Notes", "Hello\n", headers=[
        ("x-tituslabs-classifications-30", "TLPropertyRoot=Agency;Classification=IN-CONFIDENCE;")], msg_id="b5"))
    write("header_subject_disagree.eml", message("Budget [IN-CONFIDENCE]", "Hello\n", headers=[
        ("X-Protective-Marking", "VER=2024.1, NS=govt.nz, SEC=SENSITIVE, ORIGIN=analyst@agency.govt.nz")], msg_id="b6"))
    write("body_banner_only.eml", message("Minutes", "SENSITIVE\n\nMinutes of the meeting.\n\nSENSITIVE\n", msg_id="c1"))
    write("body_under_marked.eml", message("Update [IN-CONFIDENCE]",
                                           "IN-CONFIDENCE\n\nSee below.\n\nSECRET\n", msg_id="c2"))
    write("unmarked.eml", message("Lunch on Friday?", "Shall we meet at noon? It's in confidence, of course.\n", msg_id="c3"))

    m = message("Board papers [IN-CONFIDENCE]", "IN-CONFIDENCE\n\nPapers attached.\n", msg_id="d1")
    m.add_attachment(docx("RESTRICTED", ["RESTRICTED", "Board paper", "RESTRICTED"]),
                     maintype="application",
                     subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                     filename="board.docx")
    write("attachment_docx_under_marked.eml", m)

    m = message("Board papers [RESTRICTED]", "RESTRICTED\n\nPapers attached.\n", msg_id="d2")
    m.add_attachment(docx("RESTRICTED", ["RESTRICTED", "Board paper", "RESTRICTED"]),
                     maintype="application",
                     subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                     filename="board.docx")
    write("attachment_docx_ok.eml", m)

    m = message("Scan [IN-CONFIDENCE]", "IN-CONFIDENCE\n\nAttached.\n", msg_id="d3")
    with open(CORPUS_PDF, "rb") as f:
        m.add_attachment(f.read(), maintype="application", subtype="pdf", filename="locked.pdf")
    write("attachment_encrypted_pdf.eml", m)

    m = message("Note [IN-CONFIDENCE]", "IN-CONFIDENCE\n\nAttached.\n", msg_id="d4")
    m.add_attachment(b"TOP SECRET\n\nOperation details.\n\nTOP SECRET\n", maintype="text", subtype="plain", filename="ops.txt")
    write("attachment_text_top_secret.eml", m)

    inner = message("[SECRET] Original plan", "SECRET\n\nThe plan.\n\nSECRET\n", msg_id="e0")
    m = message("Fwd: plan [IN-CONFIDENCE]", "IN-CONFIDENCE\n\nFYI, see attached.\n", msg_id="e1")
    m.add_attachment(inner)
    write("forward_nested_secret.eml", m)

    m = message("RE: Budget bid [IN-CONFIDENCE]",
                "IN-CONFIDENCE\n\nAgreed.\n\nOn Mon, 23 Nov 2026, Deputy wrote:\n> RESTRICTED\n>\n> The bid is attached.\n>\n> RESTRICTED\n",
                msg_id="e2")
    m["In-Reply-To"] = "<analysis-e0@agency.govt.nz>"
    write("reply_downgrade.eml", m)


if __name__ == "__main__":
    main()
