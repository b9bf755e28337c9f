# Sourced by test.sh and bench.sh: the toolchain, a PostgreSQL for throwaway
# test databases (scripts/db.sh) and a Mailpit binary (scripts/mailpit.sh).
# go.mod names a patched toolchain; let the go command fetch and use it.
if [ "${GOTOOLCHAIN:-auto}" = local ]; then export GOTOOLCHAIN=auto; fi
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"

TEST_DATABASE_URL="$(scripts/db.sh "${TEST_DATABASE_URL:-}")"
export TEST_DATABASE_URL
echo "test database server: ${TEST_DATABASE_URL%%\?*}" | sed -E 's#//([^:@/]+):[^@/]*@#//\1:***@#' >&2

MAILPIT_BIN="$(scripts/mailpit.sh)"
export MAILPIT_BIN

# A Chromium for the browser tests (web/browser_test.go); empty when none can
# be had, and then those tests skip unless SUNSHINE_REQUIRE_BROWSER=1.
CHROME_PATH="$(scripts/browser.sh)"
export CHROME_PATH

# Tesseract and pdftoppm for OCR (textract/ocr.go); without them those tests
# skip unless SUNSHINE_REQUIRE_OCR=1.
scripts/ocr.sh
