# mfa-env shell integration for zsh.
# install.sh's block in ~/.zshrc sources this file (dist/shell/ of the build,
# the same text `mfa-env init zsh` prints): no Node process at shell start.
# By hand, after compinit if you have one: . /path/to/dist/shell/mfa-env.zsh
#
# Defines:
#   mfa [ARGS...]          runs mfa-env and applies the session to this shell
#   mfa_env_prompt [--color]
#                          prints "aws:PROFILE 42m" for the session in this shell
# A precmd hook also shows the segment in RPROMPT, in front of whatever
# RPROMPT your theme sets, without starting any process; MFA_ENV_PROMPT=0 set
# before loading turns that off. With starship (STARSHIP_SHELL set) the
# prompt is left to its aws module unless MFA_ENV_PROMPT=1. Everything else is private and named __mfa_env_*.
# Loading twice is harmless.

zmodload zsh/datetime 2>/dev/null

# >>> generated from src/cli/options.ts by npm run build (scripts/shell-lists.ts): do not edit
# Flags that take a value: the next word is theirs, not a command.
__mfa_env_takes_value() {
    case $1 in
        (-p|--profile|-c|--code|-d|--duration|-s|--shell|-f|--format|--write-profile|--access-key-id|--mfa-serial|--region|--credential-process|--role-arn|--source-profile|--external-id) return 0 ;;
        (*) return 1 ;;
    esac
}

# Commands whose output is lines for this shell to apply (none: export).
__mfa_env_applies() {
    case $1 in
        (''|export|logout|unset) return 0 ;;
        (*) return 1 ;;
    esac
}
# <<< generated

# Succeeds when the arguments ask for export lines (no subcommand, or export,
# logout, unset; shell format; no --help/--version), i.e. output to eval.
# $1 is this shell's name. Sets __mfa_env_shell_given when the user passed
# --shell for this same shell (a different shell means: don't eval).
__mfa_env_wants_eval() {
    emulate -L zsh
    local self=$1 sub='' format=shell arg
    shift
    while (( $# )); do
        arg=$1
        case $arg in
            (--) return 1 ;;
            (-h|--help|-V|--version) return 1 ;;
            (-f|--format) format=${2-}; (( $# > 1 )) && shift ;;
            (--format=*) format=${arg#*=} ;;
            (-f?*) format=${${arg#-f}#=} ;;
            (-s|--shell)
                [[ ${2-} == $self ]] || return 1
                __mfa_env_shell_given=1
                (( $# > 1 )) && shift
                ;;
            (--shell=*|-s?*)
                [[ ${arg#--shell=} == $self || ${arg#-s} == $self || ${arg#-s=} == $self ]] || return 1
                __mfa_env_shell_given=1
                ;;
            (-*) __mfa_env_takes_value $arg && (( $# > 1 )) && shift ;;
            (*) [[ -n $sub ]] || sub=$arg ;;
        esac
        shift
    done
    __mfa_env_applies $sub && [[ $format == shell ]]
}

function mfa {
    emulate -L zsh
    local __mfa_env_shell_given='' __mfa_env_out
    local -i __mfa_env_status
    if ! __mfa_env_wants_eval zsh "$@"; then
        command mfa-env "$@"
        return
    fi
    # MFA_ENV_WRAPPER=1: a person typed mfa; mfa-env says which session this
    # shell got (a bare eval "$(mfa-env)" does only when it minted).
    if [[ -n $__mfa_env_shell_given ]]; then
        __mfa_env_out=$(MFA_ENV_WRAPPER=1 command mfa-env "$@")
    else
        __mfa_env_out=$(MFA_ENV_WRAPPER=1 command mfa-env "$@" --shell zsh)
    fi
    __mfa_env_status=$?
    # On failure mfa-env prints nothing on stdout; whatever it did print is
    # not applied either.
    (( __mfa_env_status == 0 )) || return $__mfa_env_status
    eval "$__mfa_env_out"
    return 0
}

# Sets __mfa_env_prompt_text ("aws:dev 42m", "aws:dev 1h05m", "aws:dev <1m",
# "aws:dev expired", or empty when no session is loaded) and
# __mfa_env_prompt_segment: the same text with prompt colour escapes
# (%F{yellow} under 10 minutes, %F{red} expired) unless NO_COLOR is set or the
# terminal is dumb. Also notes what the text was computed from
# (__mfa_env_prompt_key) and the seconds between which it stays the same
# (__mfa_env_prompt_from/_until), so the hook can skip recomputing it.
# No processes: the clock is $EPOCHSECONDS from zsh/datetime (or the prompt
# escape %D{%s}). Callers run it under `emulate -L zsh`.
__mfa_env_prompt_compute() {
    local profile=${MFA_ENV_PROFILE-} expires=${MFA_ENV_EXPIRES-} mfa_expires=${MFA_ENV_MFA_EXPIRES-}
    local -i now left mfa_left
    typeset -g __mfa_env_prompt_text='' __mfa_env_prompt_segment=''
    typeset -g __mfa_env_prompt_key=$profile$'\037'$expires$'\037'$mfa_expires$'\037'${NO_COLOR-}$'\037'${TERM-}
    # Without $EPOCHSECONDS the hook has no cheap clock: never reuse.
    typeset -gi __mfa_env_prompt_from=1 __mfa_env_prompt_until=0
    if (( ${+EPOCHSECONDS} )); then
        now=$EPOCHSECONDS
        __mfa_env_prompt_from=$now __mfa_env_prompt_until=9999999999999999
    else
        now=${(%):-'%D{%s}'}
    fi
    # Only digits reach arithmetic, which would evaluate anything else.
    [[ -n $profile && -n $expires && $expires != *[^0-9]* && ${#expires} -le 15 ]] || return 0
    # Keep the prompt free of characters prompt expansion would interpret.
    profile=${profile//[[:cntrl:]%\$\`\\!]/?}
    left=$(( 10#$expires - now ))
    # The text changes when a whole minute of `left` has passed; expired stays.
    if (( left <= 0 )); then
        __mfa_env_prompt_text="aws:$profile expired"
    elif (( left < 60 )); then
        __mfa_env_prompt_text="aws:$profile <1m"
        (( __mfa_env_prompt_until = now + left - 1 ))
    elif (( left < 3600 )); then
        __mfa_env_prompt_text="aws:$profile $(( left / 60 ))m"
        (( __mfa_env_prompt_until = now + left % 60 ))
    else
        # Hours, then the minutes as two digits.
        __mfa_env_prompt_text="aws:$profile $(( left / 3600 ))h$(( left / 600 % 6 ))$(( left / 60 % 10 ))m"
        (( __mfa_env_prompt_until = now + left % 60 ))
    fi
    # A role's credentials: the MFA session behind them too, when it differs ("aws:prod 42m mfa 11h05m").
    if [[ -n $mfa_expires && $mfa_expires != $expires && $mfa_expires != *[^0-9]* && ${#mfa_expires} -le 15 ]]; then
        mfa_left=$(( 10#$mfa_expires - now ))
        if (( mfa_left <= 0 )); then
            __mfa_env_prompt_text+=" mfa expired"
        else
            if (( mfa_left < 3600 )); then
                __mfa_env_prompt_text+=" mfa $(( mfa_left / 60 ))m"
            else
                __mfa_env_prompt_text+=" mfa $(( mfa_left / 3600 ))h$(( mfa_left / 600 % 6 ))$(( mfa_left / 60 % 10 ))m"
            fi
            (( now + mfa_left % 60 < __mfa_env_prompt_until )) && (( __mfa_env_prompt_until = now + mfa_left % 60 ))
        fi
    fi
    if (( left >= 600 )) || [[ -n ${NO_COLOR-} || -z ${TERM-} || $TERM == dumb ]]; then
        __mfa_env_prompt_segment=$__mfa_env_prompt_text
    elif (( left > 0 )); then
        __mfa_env_prompt_segment="%F{yellow}$__mfa_env_prompt_text%f"
    else
        __mfa_env_prompt_segment="%F{red}$__mfa_env_prompt_text%f"
    fi
    return 0
}

# Prints the segment for this shell's session, nothing when there is none.
# --color adds prompt colour escapes, for use in a prompt with prompt_subst:
# RPROMPT='$(mfa_env_prompt --color)' (a $(...) forks; the precmd hook does
# the same with no fork).
function mfa_env_prompt {
    emulate -L zsh
    __mfa_env_prompt_compute
    if [[ ${1-} == --color ]]; then
        print -rn -- $__mfa_env_prompt_segment
    else
        print -rn -- $__mfa_env_prompt_text
    fi
}

# Open shells follow a new session. When this shell's session is within 5
# minutes of its end by the shell's own clock ($EPOCHSECONDS, no process), ask
# mfa-env, at most once a minute, for the cached session of the same profile
# if it is newer: `mfa-env --follow` never mints, never asks for anything, and
# prints nothing when there is nothing newer, so the shell stays as it is.
# While the session is fresh this starts no process. MFA_ENV_FOLLOW=0 turns
# it off.
__mfa_env_follow() {
    emulate -L zsh
    local expires=${MFA_ENV_EXPIRES-} out
    (( ${+EPOCHSECONDS} )) || return 0
    [[ -n ${MFA_ENV_PROFILE-} && $expires == <-> && ${#expires} -le 15 ]] || return 0
    (( 10#$expires - EPOCHSECONDS > 300 )) && return 0
    (( EPOCHSECONDS - ${__mfa_env_follow_at:-0} < 60 )) && return 0
    typeset -g __mfa_env_follow_at=$EPOCHSECONDS
    out=$(command mfa-env --follow --profile "$MFA_ENV_PROFILE" --shell zsh 2>/dev/null) || return 0
    [[ -n $out ]] && eval "$out"
    return 0
}

# precmd hook, after every command: refreshes the segment when the session,
# the colour settings or the minute changed (a zsh function call costs more
# than the check), and puts it in front of RPROMPT. Whatever RPROMPT holds
# when this did not set it last (a theme, starship, the user) is kept as the
# base, so nothing is clobbered and the segment is never doubled. The text
# holds no % $ ` \ !, so it is safe with or without prompt_subst.
__mfa_env_prompt_hook() {
    local -i rc=$?
    emulate -L zsh
    [[ ${MFA_ENV_FOLLOW-} == 0 ]] || __mfa_env_follow
    [[ ${MFA_ENV_PROMPT-} == 0 ]] && return rc
    # starship draws the prompt and has its own aws module.
    [[ -n ${STARSHIP_SHELL-} && ${MFA_ENV_PROMPT-} != 1 ]] && return rc
    if [[ ${MFA_ENV_PROFILE-}$'\037'${MFA_ENV_EXPIRES-}$'\037'${MFA_ENV_MFA_EXPIRES-}$'\037'${NO_COLOR-}$'\037'${TERM-} != "${__mfa_env_prompt_key-}" ]] ||
        (( ${EPOCHSECONDS:-0} < ${__mfa_env_prompt_from:-1} || ${EPOCHSECONDS:-0} > ${__mfa_env_prompt_until:-0} )); then
        __mfa_env_prompt_compute
    elif [[ ${RPROMPT-} == "${__mfa_env_rprompt_last-}" ]]; then
        return rc # nothing changed since the last prompt
    fi
    if [[ ${RPROMPT-} != "${__mfa_env_rprompt_last-}" ]]; then
        typeset -g __mfa_env_rprompt_base=${RPROMPT-}
    fi
    if [[ -n $__mfa_env_prompt_segment ]]; then
        RPROMPT="$__mfa_env_prompt_segment${__mfa_env_rprompt_base:+ $__mfa_env_rprompt_base}"
    else
        RPROMPT=$__mfa_env_rprompt_base
    fi
    typeset -g __mfa_env_rprompt_last=$RPROMPT
    return rc
}

if [[ ${MFA_ENV_PROMPT-} != 0 || ${MFA_ENV_FOLLOW-} != 0 ]]; then
    autoload -Uz add-zsh-hook
    # add-zsh-hook does not add a function twice.
    add-zsh-hook precmd __mfa_env_prompt_hook
fi

# Completion uses yargs's protocol (mfa-env --get-yargs-completions WORDS...),
# asked only when TAB is pressed; with no answer, zsh completes file names.
__mfa_env_complete() {
    local bin=mfa-env si=$IFS
    local -a reply
    local -i dash
    [[ $words[1] == mfa-exec ]] && bin=mfa-exec
    dash=${words[(i)--]}
    if [[ $bin == mfa-exec ]] && (( dash < CURRENT )); then
        # After "--" comes the command to run: complete it as a command line.
        words=("${(@)words[dash+1,-1]}")
        (( CURRENT -= dash ))
        _normal
        return
    fi
    # word:description lines, for _describe.
    IFS=$'\n' reply=($(MFA_ENV_COMPLETE_DESCRIPTIONS=1 \
        command $bin --get-yargs-completions $bin "${(@)words[2,CURRENT]}" 2>/dev/null))
    IFS=$si
    if (( ${#reply} )); then
        _describe 'values' reply
    else
        _default
    fi
}

# compdef exists once compinit has run. If this is loaded before compinit
# (earlier in .zshrc), try again at the first prompt, once: by then every
# startup file has run.
__mfa_env_compdef() {
    add-zsh-hook -d precmd __mfa_env_compdef 2>/dev/null
    (( ${+functions[compdef]} )) && compdef __mfa_env_complete mfa mfa-env mfa-exec
    return 0
}
if (( ${+functions[compdef]} )); then
    __mfa_env_compdef
elif [[ -o interactive ]]; then
    autoload -Uz add-zsh-hook
    add-zsh-hook precmd __mfa_env_compdef
fi

# Tells `mfa-env doctor` (a child process) that this shell loaded the integration.
export MFA_ENV_SHELL_INTEGRATION="zsh:$$"
