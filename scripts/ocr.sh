#!/usr/bin/env bash
# Makes OCR available: Tesseract (with English and Spanish) and poppler's
# pdftoppm, which Sunshine runs to read scanned pages and images
# (docs/operations.md#ocr). When either is missing and this runs as root,
# installs them with apt-get (Debian's tesseract-ocr, tesseract-ocr-eng,
# tesseract-ocr-spa and poppler-utils). Always exits 0: without them,
# Sunshine runs without OCR and the OCR tests skip (or fail, with
# SUNSHINE_REQUIRE_OCR=1).
set -uo pipefail
if command -v tesseract >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then
	exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "ocr.sh: no tesseract or pdftoppm, and not root with apt-get to install them; Sunshine reads no scanned pages (install tesseract-ocr and poppler-utils)" >&2
	exit 0
fi
echo "ocr.sh: installing Debian's tesseract-ocr and poppler-utils (once; about a minute)" >&2
if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa poppler-utils >&2 ||
	{ DEBIAN_FRONTEND=noninteractive apt-get update >&2 &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa poppler-utils >&2; }; }; then
	echo "ocr.sh: could not install them; Sunshine reads no scanned pages" >&2
fi
exit 0
