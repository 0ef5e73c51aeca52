#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine (run as root, or with
# sudo available). Idempotent: installs only what is missing, so re-running is quick.
#
#   scripts/setup.sh           system packages for the tests: LibreOffice Writer, Impress and
#                              Calc (DOCX/PDF/PPTX/XLSX/ODF fixtures), poppler-utils, Postfix +
#                              swaks (milter end-to-end)
#   scripts/setup.sh --bench   also ripgrep 15, hyperfine and unzip (benchmark comparisons),
#                              libmilter-dev and gcc (the null milter of milter-load.sh)
#   scripts/setup.sh --fuzz    also cargo-fuzz (scripts/fuzz.sh)
set -euo pipefail

want_bench=0
want_fuzz=0
for arg in "$@"; do
  case "$arg" in
    --bench) want_bench=1 ;;
    --fuzz) want_fuzz=1 ;;
    *) echo "usage: $0 [--bench] [--fuzz]" >&2; exit 2 ;;
  esac
done

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
# Impress and Calc make the PPTX/XLSX/ODP/ODS fixtures; soffice alone does not mean they are in.
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
installed libreoffice-impress-nogui || missing+=(libreoffice-impress-nogui)
installed libreoffice-calc-nogui || missing+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v swaks >/dev/null 2>&1 || missing+=(swaks)
[ -x /usr/sbin/postfix ] || missing+=(postfix)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ "$want_fuzz" = 1 ]; then
  # libfuzzer-sys compiles libFuzzer's C++ sources.
  command -v g++ >/dev/null 2>&1 || missing+=(g++)
fi
if [ "$want_bench" = 1 ]; then
  command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
  command -v unzip >/dev/null 2>&1 || missing+=(unzip)
  # scripts/milter-load.sh MILTER=null: the libmilter null milter, built with gcc.
  [ -f /usr/include/libmilter/mfapi.h ] || missing+=(libmilter-dev)
  command -v gcc >/dev/null 2>&1 || missing+=(gcc)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  # Postfix asks questions on install; answer them up front (local delivery only).
  echo "postfix postfix/main_mailer_type select Local only" | $SUDO debconf-set-selections
  echo "postfix postfix/mailname string pm-test.local" | $SUDO debconf-set-selections
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

if [ "$want_bench" = 1 ] && ! rg --version 2>/dev/null | grep -q '^ripgrep 1[5-9]'; then
  # Debian's ripgrep 13 is ~19x slower than 15 on the case-insensitive Unicode pattern.
  echo "setup: installing ripgrep 15 with cargo"
  cargo install ripgrep --locked --quiet
fi
if [ "$want_fuzz" = 1 ] && ! cargo fuzz --version >/dev/null 2>&1; then
  echo "setup: installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi
echo "setup: ok"
