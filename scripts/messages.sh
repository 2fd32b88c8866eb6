# Sourced by the workshop's shell scripts: `pick EN ZH` prints the sentence in the learner's language.
# checker/text/i18n.py decides (WORKSHOP_LANG, then `make lang`, then the locale), asked through
# checker/commands/lang.py with the system Python as the Makefile does; without Python the scripts speak English.
WORKSHOP_MESSAGES=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && python3 -m checker.commands.lang 2>/dev/null || echo en)
zh() { [ "$WORKSHOP_MESSAGES" = zh ]; }
pick() { if zh; then printf '%s\n' "$2"; else printf '%s\n' "$1"; fi; }
