# Sourced by the workshop's shell scripts: `pick EN ZH` prints the sentence in the learner's language.
# checker/i18n.py decides (WORKSHOP_LANG, then `make lang`, then the locale), with the system Python,
# as it does for the Makefile; without Python the scripts speak English.
WORKSHOP_MESSAGES=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && python3 -m checker.i18n 2>/dev/null || echo en)
zh() { [ "$WORKSHOP_MESSAGES" = zh ]; }
pick() { if zh; then printf '%s\n' "$2"; else printf '%s\n' "$1"; fi; }
