#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The bash completion offers the commands, the scenario ids, each command's
# options and files for -o, asking the built program.
#   check-completion.sh data/awaitscope.bash BUILT-AWAITSCOPE
set -u
script=$1
prog=$2
# shellcheck source=/dev/null
source "$script"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/picture one.png"

n=0
failed=0
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMPREPLY=()
    _awaitscope 2>/dev/null
}
expect() {
    local what=$1; shift
    n=$((n + 1))
    local missing=() w
    for w in "$@"; do
        local found=0 r
        for r in "${COMPREPLY[@]}"; do [[ $r == "$w" ]] && found=1; done
        (( found )) || missing+=("$w")
    done
    if (( ${#missing[@]} == 0 )); then
        echo "ok $n $what"
    else
        echo "not ok $n $what: missing ${missing[*]}; offered: ${COMPREPLY[*]}"
        failed=1
    fi
}
refuse() {
    local what=$1 w=$2 r
    n=$((n + 1))
    for r in "${COMPREPLY[@]}"; do
        if [[ $r == "$w" ]]; then echo "not ok $n $what: offered $w"; failed=1; return; fi
    done
    echo "ok $n $what"
}

echo "1..11"
commands=$("$prog" --help | sed -n '/^Commands/,/^$/s/^  \([a-z][a-z-]*\)  .*/\1/p')
complete_words "$prog" ""
# shellcheck disable=SC2086
expect "awaitscope <Tab> offers every command" $commands
complete_words "$prog" run wh
expect "awaitscope run wh<Tab> offers the ids starting with wh" when-all when-any when-all-failures
refuse "and nothing else" cancel
complete_words "$prog" render when-all --th
expect "render's options" --theme=
complete_words "$prog" run when-all --
expect "run's options" --json --virtual-clock --speed= --variant=
refuse "not another command's" --theme=
complete_words "$prog" render when-all --theme = d
expect "--theme=<Tab> offers the themes" dark
complete_words "$prog" render when-all -o "$tmp/pic"
expect "-o <Tab> offers files" "$tmp/picture one.png"
complete_words "$prog" list --
expect "list offers --ids" --ids --json
# In a translated session the help's words change; what completion reads
# of it (and the ids) is asked for in the C locale, so it offers the same.
if locale -a 2>/dev/null | grep -qi '^es_ES\.utf-\?8$'; then
    complete_words "$prog" ""
    LANGUAGE=es LC_ALL=es_ES.UTF-8 complete_words "$prog" ""
    # shellcheck disable=SC2086
    expect "in Spanish, <Tab> still offers every command" $commands
    LANGUAGE=es LC_ALL=es_ES.UTF-8 complete_words "$prog" run when-all --
    expect "in Spanish, run's options" --json --virtual-clock --speed= --variant=
else
    n=$((n + 2))
    echo "ok $((n - 1)) # SKIP no es_ES.UTF-8 locale"
    echo "ok $n # SKIP no es_ES.UTF-8 locale"
fi
exit $failed
