"""Readers for generated documents in tests: PDF text, QR codes."""


def pdf_text(data):
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    return len(reader.pages), " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def squeezed(text):
    """Without white space, so a line break inside a long name does not matter."""
    return "".join(text.split())


def decode_qr(image):
    import zxingcpp

    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    return results[0].text.split("\n")
