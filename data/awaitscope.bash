# bash completion for awaitscope                       -*- shell-script -*-
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Asks the program itself what it has: the commands from `awaitscope
# --help`, each command's options from `awaitscope COMMAND --help`, and the
# scenario ids from `awaitscope list --ids`. So completion offers what the
# installed program accepts, and never a list of its own that could fall
# behind. Needs only bash (not the bash-completion package).

_awaitscope_help()
{
    LC_ALL=C LANGUAGE= "$@" --help 2>/dev/null
}

_awaitscope_commands()
{
    _awaitscope_help "$1" | sed -n '/^Commands/,/^$/s/^  \([a-z][a-z-]*\)  .*/\1/p'
}

# Each option once, with a trailing = when it takes a value: --speed= --json
_awaitscope_options()
{
    _awaitscope_help "$1" "$2" |
        sed -n 's/^  \(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z-]*\)\(=\{0,1\}\).*/\2\3/p'
}

_awaitscope_ids()
{
    LC_ALL=C LANGUAGE= "$1" list --ids 2>/dev/null
}

_awaitscope_files()
{
    # One file or folder a line; names with spaces stay whole.
    local IFS=$'\n'
    COMPREPLY+=( $(compgen -f -- "$1") )
    compopt -o filenames 2>/dev/null
}

_awaitscope()
{
    local prog=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} cword=$COMP_CWORD
    local prev= option= command= i word
    COMPREPLY=()

    # bash splits "--speed=0.5" at the "=" (COMP_WORDBREAKS): the value
    # being typed follows an "=" word, the option comes before it.
    if [[ $cur == "=" ]]; then
        option=${COMP_WORDS[cword-1]}
        cur=
    elif (( cword >= 2 )) && [[ ${COMP_WORDS[cword-1]} == "=" ]]; then
        option=${COMP_WORDS[cword-2]}
    elif (( cword >= 1 )); then
        prev=${COMP_WORDS[cword-1]}
    fi

    # The command is the first word after the program that is not an option.
    for (( i = 1; i < cword; i++ )); do
        word=${COMP_WORDS[i]}
        if [[ $word != -* && $word != "=" ]]; then
            command=$word
            break
        fi
    done

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=( $(compgen -W "--help --version" -- "$cur") )
        else
            COMPREPLY=( $(compgen -W "$(_awaitscope_commands "$prog")" -- "$cur") )
        fi
        return 0
    fi

    # An option's value: "-o FILE", "--output FILE" or "--output=FILE".
    if [[ -z $option && ( $prev == -o || ( $prev == --* && $prev != *=* ) ) ]]; then
        if _awaitscope_options "$prog" "$command" | grep -qx -- "$prev="; then
            option=$prev
        elif [[ $prev == -o ]]; then
            option=--output
        fi
    fi
    if [[ -n $option ]]; then
        case $option in
            -o|--output|--trace)
                _awaitscope_files "$cur" ;;
            --theme)
                COMPREPLY=( $(compgen -W "light dark high-contrast projector" -- "$cur") ) ;;
            --format)
                COMPREPLY=( $(compgen -W "png svg pdf png,svg,pdf" -- "$cur") ) ;;
            --pool)
                COMPREPLY=( $(compgen -W "fixed dotnet" -- "$cur") ) ;;
            --speed)
                COMPREPLY=( $(compgen -W "0.25 0.5 1 2 4" -- "$cur") ) ;;
        esac
        return 0
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=( $(compgen -W "$(_awaitscope_options "$prog" "$command")" -- "$cur") )
        # An option that takes a value gets no space after its "=".
        [[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
        return 0
    fi

    case $command in
        run|render|screenshot)
            COMPREPLY=( $(compgen -W "$(_awaitscope_ids "$prog")" -- "$cur") )
            # Or a scenario file of one's own.
            [[ $cur == */* || $cur == .* ]] && _awaitscope_files "$cur" ;;
        check|replay)
            _awaitscope_files "$cur" ;;
        gallery)
            local IFS=$'\n'
            COMPREPLY=( $(compgen -d -- "$cur") )
            compopt -o filenames 2>/dev/null ;;
    esac
    return 0
}

complete -F _awaitscope awaitscope
