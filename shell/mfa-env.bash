# mfa-env shell integration for bash (3.2 and later; from 4.2 the prompt
# segment starts no process).
# install.sh's block in ~/.bashrc sources this file (dist/shell/ of the build,
# the same text `mfa-env init bash` prints): no Node process at shell start.
# By hand: . /path/to/dist/shell/mfa-env.bash   (or eval "$(mfa-env init bash)")
#
# Defines:
#   mfa [ARGS...]          runs mfa-env and applies the session to this shell
#   mfa_env_prompt [--color]
#                          prints "aws:PROFILE 42m" for the session in this shell
# The segment is also put at the start of PS1, refreshed from PROMPT_COMMAND
# without starting any process; MFA_ENV_PROMPT=0 set before loading turns
# that off. With starship (STARSHIP_SHELL set) the prompt is left to its aws
# module unless MFA_ENV_PROMPT=1.
# Everything else is private and named __mfa_env_*. Loading twice is harmless.

# >>> generated from src/cli/options.ts by npm run build (scripts/shell-lists.ts): do not edit
# Flags that take a value: the next word is theirs, not a command.
__mfa_env_takes_value() {
    case $1 in
        -p | --profile | -c | --code | -d | --duration | -s | --shell | -f | --format | --write-profile | --access-key-id | --mfa-serial | --region | --credential-process | --role-arn | --source-profile | --external-id) return 0 ;;
        *) return 1 ;;
    esac
}

# Commands whose output is lines for this shell to apply (none: export).
__mfa_env_applies() {
    case $1 in
        '' | export | logout | unset) return 0 ;;
        *) return 1 ;;
    esac
}
# <<< generated

# Succeeds when the arguments ask for export lines (no subcommand, or export,
# logout, unset; shell format; no --help/--version), i.e. output to eval.
# $1 is this shell's name. Sets __mfa_env_shell_given when the user passed
# --shell for this same shell (a different shell means: don't eval).
__mfa_env_wants_eval() {
    local self=$1 sub='' format=shell arg
    shift
    while (($#)); do
        arg=$1
        case $arg in
            --) return 1 ;;
            -h | --help | -V | --version) return 1 ;;
            -f | --format) format=${2-} && (($# > 1)) && shift ;;
            --format=*) format=${arg#*=} ;;
            -f?*) format=${arg#-f} && format=${format#=} ;;
            -s | --shell)
                [[ ${2-} == "$self" ]] || return 1
                __mfa_env_shell_given=1
                (($# > 1)) && shift
                ;;
            --shell=* | -s?*)
                [[ ${arg#--shell=} == "$self" || ${arg#-s} == "$self" || ${arg#-s=} == "$self" ]] || return 1
                __mfa_env_shell_given=1
                ;;
            -*) __mfa_env_takes_value "$arg" && (($# > 1)) && shift ;;
            *) [[ -n $sub ]] || sub=$arg ;;
        esac
        shift
    done
    __mfa_env_applies "$sub" && [[ $format == shell ]]
}

function mfa {
    local __mfa_env_shell_given='' __mfa_env_out __mfa_env_status
    if ! __mfa_env_wants_eval bash "$@"; then
        command mfa-env "$@"
        return
    fi
    # MFA_ENV_WRAPPER=1: a person typed mfa; mfa-env says which session this
    # shell got (a bare eval "$(mfa-env)" does only when it minted).
    if [[ -n $__mfa_env_shell_given ]]; then
        __mfa_env_out=$(MFA_ENV_WRAPPER=1 command mfa-env "$@")
    else
        __mfa_env_out=$(MFA_ENV_WRAPPER=1 command mfa-env "$@" --shell bash)
    fi
    __mfa_env_status=$?
    # On failure mfa-env prints nothing on stdout; whatever it did print is
    # not applied either.
    ((__mfa_env_status == 0)) || return "$__mfa_env_status"
    eval "$__mfa_env_out"
    return 0
}

# Sets __mfa_env_prompt_text ("aws:dev 42m", "aws:dev 1h05m", "aws:dev <1m",
# "aws:dev expired", or empty when no session is loaded) and
# __mfa_env_prompt_segment: the same text coloured for PS1 (yellow under 10
# minutes, red once expired, unless NO_COLOR is set or the terminal is dumb),
# with readline's invisible-text markers \001 \002 (what \[ \] become) around
# the escapes, and a trailing space; empty when no session is loaded.
# Also notes what the text was computed from (__mfa_env_prompt_key) and the
# seconds between which it stays the same (__mfa_env_prompt_from/_until), so
# the hook can skip recomputing it. No processes: the clock is $EPOCHSECONDS
# (bash 5) or printf's %(%s)T (bash 4.2); only bash 3.2 (macOS's /bin/bash)
# has to run date.
__mfa_env_prompt_compute() {
    local profile=${MFA_ENV_PROFILE-} expires=${MFA_ENV_EXPIRES-} now=${EPOCHSECONDS-} left
    local mfa_expires=${MFA_ENV_MFA_EXPIRES-} mfa_left
    __mfa_env_prompt_text='' __mfa_env_prompt_segment=''
    __mfa_env_prompt_key=$profile$'\037'$expires$'\037'$mfa_expires$'\037'${NO_COLOR-}$'\037'${TERM-}
    # Without $EPOCHSECONDS the hook has no cheap clock: never reuse.
    __mfa_env_prompt_from=1 __mfa_env_prompt_until=0
    [[ -n $now ]] && __mfa_env_prompt_from=$now __mfa_env_prompt_until=9999999999999999
    # Only digits reach arithmetic: bash would evaluate anything else.
    [[ -n $profile && -n $expires && $expires != *[!0-9]* && ${#expires} -le 15 ]] || return 0
    if [[ -z $now ]]; then
        if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 402)); then
            printf -v now '%(%s)T' -1
        else
            now=$(command date +%s)
        fi
    fi
    # Keep the prompt free of characters PS1 or readline would interpret.
    [[ $profile == *[[:cntrl:]%\$\`\\!]* ]] && profile=${profile//[[:cntrl:]%\$\`\\!]/?}
    left=$((10#$expires - now))
    # The text changes when a whole minute of `left` has passed; expired stays.
    if ((left <= 0)); then
        __mfa_env_prompt_text="aws:$profile expired"
    elif ((left < 60)); then
        __mfa_env_prompt_text="aws:$profile <1m"
        __mfa_env_prompt_until=$((now + left - 1))
    elif ((left < 3600)); then
        __mfa_env_prompt_text="aws:$profile $((left / 60))m"
        __mfa_env_prompt_until=$((now + left % 60))
    else
        # Hours, then the minutes as two digits.
        __mfa_env_prompt_text="aws:$profile $((left / 3600))h$((left / 600 % 6))$((left / 60 % 10))m"
        __mfa_env_prompt_until=$((now + left % 60))
    fi
    # A role's credentials: the MFA session behind them too, when it differs ("aws:prod 42m mfa 11h05m").
    if [[ -n $mfa_expires && $mfa_expires != "$expires" && $mfa_expires != *[!0-9]* && ${#mfa_expires} -le 15 ]]; then
        mfa_left=$((10#$mfa_expires - now))
        if ((mfa_left <= 0)); then
            __mfa_env_prompt_text+=" mfa expired"
        else
            if ((mfa_left < 3600)); then
                __mfa_env_prompt_text+=" mfa $((mfa_left / 60))m"
            else
                __mfa_env_prompt_text+=" mfa $((mfa_left / 3600))h$((mfa_left / 600 % 6))$((mfa_left / 60 % 10))m"
            fi
            if ((now + mfa_left % 60 < __mfa_env_prompt_until)); then
                __mfa_env_prompt_until=$((now + mfa_left % 60))
            fi
        fi
    fi
    if ((left >= 600)) || [[ -n ${NO_COLOR-} || -z ${TERM-} || $TERM == dumb ]]; then
        __mfa_env_prompt_segment="$__mfa_env_prompt_text "
    elif ((left > 0)); then
        __mfa_env_prompt_segment=$'\001\e[33m\002'"$__mfa_env_prompt_text"$'\001\e[0m\002 '
    else
        __mfa_env_prompt_segment=$'\001\e[31m\002'"$__mfa_env_prompt_text"$'\001\e[0m\002 '
    fi
    return 0
}

# Prints the segment for this shell's session, nothing when there is none.
# --color adds colour (yellow under 10 minutes, red when expired) wrapped in
# \001 \002 so it is safe inside PS1, e.g. PS1='$(mfa_env_prompt --color) \$ '
# (a $(...) in PS1 forks; the hook below does the same with no fork).
function mfa_env_prompt {
    __mfa_env_prompt_compute
    if [[ ${1-} == --color ]]; then
        printf '%s' "${__mfa_env_prompt_segment% }"
    else
        printf '%s' "$__mfa_env_prompt_text"
    fi
}

# Open shells follow a new session. When this shell's session is within 5
# minutes of its end by the shell's own clock (no process), ask mfa-env, at
# most once a minute, for the cached session of the same profile if it is
# newer: `mfa-env --follow` never mints, never asks for anything, and prints
# nothing when there is nothing newer, so the shell stays as it is. While the
# session is fresh this starts no process. MFA_ENV_FOLLOW=0 turns it off.
# bash 3.2 has no clock without a process: it does not follow.
__mfa_env_follow() {
    local now=${EPOCHSECONDS-} expires=${MFA_ENV_EXPIRES-} out
    [[ -n ${MFA_ENV_PROFILE-} && -n $expires && $expires != *[!0-9]* && ${#expires} -le 15 ]] || return 0
    if [[ -z $now ]]; then
        ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 402)) || return 0
        printf -v now '%(%s)T' -1
    fi
    ((10#$expires - now > 300)) && return 0
    ((now - ${__mfa_env_follow_at:-0} < 60)) && return 0
    __mfa_env_follow_at=$now
    out=$(command mfa-env --follow --profile "$MFA_ENV_PROFILE" --shell bash 2>/dev/null) || return 0
    [[ -n $out ]] && eval "$out"
    return 0
}

# Run from PROMPT_COMMAND, after every command: refreshes the segment when
# the session, the colour settings or the minute changed, and keeps the
# reference to it at the start of PS1 (prompts such as starship rewrite PS1
# every time). Keeps $? for whatever runs after it.
__mfa_env_prompt_hook() {
    local rc=$?
    [[ ${MFA_ENV_FOLLOW-} == 0 ]] || __mfa_env_follow
    [[ ${MFA_ENV_PROMPT-} == 0 ]] && return "$rc"
    # starship draws the prompt and has its own aws module.
    [[ -n ${STARSHIP_SHELL-} && ${MFA_ENV_PROMPT-} != 1 ]] && return "$rc"
    if [[ ${MFA_ENV_PROFILE-}$'\037'${MFA_ENV_EXPIRES-}$'\037'${MFA_ENV_MFA_EXPIRES-}$'\037'${NO_COLOR-}$'\037'${TERM-} != "${__mfa_env_prompt_key-}" ]] ||
        ((${EPOCHSECONDS:-0} < ${__mfa_env_prompt_from:-1} || ${EPOCHSECONDS:-0} > ${__mfa_env_prompt_until:-0})); then
        __mfa_env_prompt_compute
    fi
    # shellcheck disable=SC2016 # PS1 expands it at each prompt
    [[ ${PS1-} == *'${__mfa_env_prompt_segment}'* ]] || PS1='${__mfa_env_prompt_segment}'${PS1-}
    return "$rc"
}

__mfa_env_register_prompt() {
    local entry
    # bash-preexec owns PROMPT_COMMAND when present; use its list.
    if [[ -n ${precmd_functions+set} ]]; then
        for entry in "${precmd_functions[@]}"; do
            [[ $entry == __mfa_env_prompt_hook ]] && return 0
        done
        precmd_functions+=(__mfa_env_prompt_hook)
        return 0
    fi
    # bash 5.1+ also accepts PROMPT_COMMAND as an array.
    if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 501)) && [[ -n ${PROMPT_COMMAND+set} && ${PROMPT_COMMAND@a} == *a* ]]; then
        for entry in "${PROMPT_COMMAND[@]}"; do
            [[ $entry == __mfa_env_prompt_hook ]] && return 0
        done
        PROMPT_COMMAND+=(__mfa_env_prompt_hook)
        return 0
    fi
    # A string from here on (the array form returned above).
    # shellcheck disable=SC2128,SC2178
    case ${PROMPT_COMMAND-} in
        *__mfa_env_prompt_hook*) ;;
        '') PROMPT_COMMAND=__mfa_env_prompt_hook ;;
        *) PROMPT_COMMAND=${PROMPT_COMMAND}$'\n'__mfa_env_prompt_hook ;;
    esac
}

if [[ ${MFA_ENV_PROMPT-} != 0 || ${MFA_ENV_FOLLOW-} != 0 ]]; then
    __mfa_env_register_prompt
fi

# Completion uses yargs's protocol (mfa-env --get-yargs-completions WORDS...),
# asked only when TAB is pressed; with no answer, bash completes file names.
__mfa_env_complete() {
    local cur=${COMP_WORDS[COMP_CWORD]} bin=mfa-env line i
    [[ ${COMP_WORDS[0]} == mfa-exec ]] && bin=mfa-exec
    COMPREPLY=()
    if [[ $bin == mfa-exec ]]; then
        # After "--" comes the command to run.
        for ((i = 1; i < COMP_CWORD; i++)); do
            if [[ ${COMP_WORDS[i]} == -- ]]; then
                if ((i == COMP_CWORD - 1)); then
                    while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -c -- "$cur")
                fi
                return 0
            fi
        done
    fi
    while IFS= read -r line; do
        [[ -n $line && $line == "$cur"* ]] && COMPREPLY+=("$line")
    done < <(command "$bin" --get-yargs-completions "$bin" "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
    return 0
}
complete -o default -F __mfa_env_complete mfa mfa-env mfa-exec

# Tells `mfa-env doctor` (a child process) that this shell loaded the integration.
export MFA_ENV_SHELL_INTEGRATION="bash:$$"
