# mfa-env shell integration for fish (>= 3.3).
# install.sh's ~/.config/fish/conf.d/mfa-env.fish sources this file (dist/shell/
# of the build, the same text `mfa-env init fish` prints): no Node process at
# shell start. By hand: source /path/to/dist/shell/mfa-env.fish
#
# Defines:
#   mfa [ARGS...]          runs mfa-env and applies the session to this shell
#   mfa_env_prompt [--color]
#                          prints "aws:PROFILE 42m" for the session in this shell
# fish_right_prompt is wrapped to show the segment in front of what it
# printed before; MFA_ENV_PROMPT=0 set before loading turns that off. With
# starship (STARSHIP_SHELL set) the prompt is left to its aws module unless
# MFA_ENV_PROMPT=1. Completions for
# mfa-env, mfa and mfa-exec. Everything else is private and named __mfa_env_*.
# Loading twice is harmless.

# Status 0 when the arguments ask for export lines (no subcommand, or export,
# logout, unset; shell format; no --help/--version), i.e. output to apply;
# 10 when, in addition, the user already passed --shell for this shell;
# 1 otherwise. $argv[1] is this shell's name.
function __mfa_env_wants_eval
    set -l self $argv[1]
    set -e argv[1]
    set -l sub ''
    set -l format shell
    set -l given 0
    while set -q argv[1]
        set -l arg $argv[1]
        set -e argv[1]
        switch $arg
            case --
                return 1
            case -h --help -V --version
                return 1
            case -f --format
                set format "$argv[1]"
                set -q argv[1]; and set -e argv[1]
            case '--format=*'
                set format (string replace -- --format= '' $arg)
            case '-f*'
                set format (string replace -r -- '^-f=?' '' $arg)
            case -s --shell
                test "$argv[1]" = $self; or return 1
                set given 1
                set -q argv[1]; and set -e argv[1]
            case '--shell=*' '-s*'
                test (string replace -r -- '^(--shell=|-s=?)' '' $arg) = $self; or return 1
                set given 1
            case '-*'
                __mfa_env_takes_value $arg; and set -q argv[1]; and set -e argv[1]
            case '*'
                test -n "$sub"; or set sub $arg
        end
    end
    __mfa_env_applies "$sub"; or return 1
    test "$format" = shell; or return 1
    test $given = 1; and return 10
    return 0
end

function mfa --wraps mfa-env --description 'Run mfa-env and apply the session to this shell'
    __mfa_env_wants_eval fish $argv
    set -l kind $status
    if test $kind -ne 0 -a $kind -ne 10
        command mfa-env $argv
        return
    end
    set -l out
    if test $kind -eq 10
        set out (MFA_ENV_WRAPPER=1 command mfa-env $argv)
    else
        set out (MFA_ENV_WRAPPER=1 command mfa-env $argv --shell fish)
    end
    set -l rc $status
    # On failure mfa-env prints nothing on stdout; whatever it did print is
    # not applied either.
    test $rc -eq 0; or return $rc
    string join \n -- $out | source
    # mfa-env's status, not source's: `set -e` of a variable that is not set
    # (AWS_SECURITY_TOKEN, usually) returns 4.
    return $rc
end

# Prints the current time in epoch seconds. fish has no clock builtin, and
# `date +%s` costs a process per prompt, so on Linux the clock is boot time
# (/proc/stat btime) plus uptime (/proc/uptime), both read with builtins:
# no process, within a second of the real clock. Elsewhere: date.
function __mfa_env_now
    if test -r /proc/uptime -a -r /proc/stat
        read -l up _ </proc/uptime
        set -l bt (string match -rg '^btime (\d+)' </proc/stat)
        if test -n "$up" -a -n "$bt"
            # btime is truncated to the second: add half of one.
            math --scale 0 "floor($up + 0.5) + $bt"
            return
        end
    end
    command date +%s
end

# Sets __mfa_env_prompt_text ("aws:dev 42m", "aws:dev 1h05m", "aws:dev <1m",
# "aws:dev expired", or empty when no session is loaded) and
# __mfa_env_prompt_level (ok, warn under 10 minutes, expired).
function __mfa_env_prompt_compute
    set -g __mfa_env_prompt_text ''
    set -g __mfa_env_prompt_level ''
    test -n "$MFA_ENV_PROFILE" -a -n "$MFA_ENV_EXPIRES"; or return 0
    string match -qr '^\d{1,15}$' -- "$MFA_ENV_EXPIRES"; or return 0
    set -l now (__mfa_env_now)
    set -l left (math --scale 0 "$MFA_ENV_EXPIRES - $now")
    # The same text as in bash and zsh: no characters a prompt interprets.
    set -l profile (string replace -ra -- '[[:cntrl:]%$`\\\\!]' '?' "$MFA_ENV_PROFILE")
    if test $left -le 0
        set -g __mfa_env_prompt_text "aws:$profile expired"
        set -g __mfa_env_prompt_level expired
        return 0
    end
    if test $left -lt 60
        set -g __mfa_env_prompt_text "aws:$profile <1m"
    else if test $left -lt 3600
        set -g __mfa_env_prompt_text "aws:$profile "(math --scale 0 "floor($left / 60)")m
    else
        set -g __mfa_env_prompt_text (printf 'aws:%s %dh%02dm' $profile \
            (math --scale 0 "floor($left / 3600)") (math --scale 0 "floor($left % 3600 / 60)"))
    end
    # A role's credentials: the MFA session behind them too, when it differs ("aws:prod 42m mfa 11h05m").
    if string match -qr '^\d{1,15}$' -- "$MFA_ENV_MFA_EXPIRES"; and test "$MFA_ENV_MFA_EXPIRES" != "$MFA_ENV_EXPIRES"
        set -l mfa_left (math --scale 0 "$MFA_ENV_MFA_EXPIRES - $now")
        if test $mfa_left -le 0
            set -g __mfa_env_prompt_text "$__mfa_env_prompt_text mfa expired"
        else if test $mfa_left -lt 3600
            set -g __mfa_env_prompt_text "$__mfa_env_prompt_text mfa "(math --scale 0 "floor($mfa_left / 60)")m
        else
            set -g __mfa_env_prompt_text "$__mfa_env_prompt_text "(printf 'mfa %dh%02dm' \
                (math --scale 0 "floor($mfa_left / 3600)") (math --scale 0 "floor($mfa_left % 3600 / 60)"))
        end
    end
    if test $left -lt 600
        set -g __mfa_env_prompt_level warn
    else
        set -g __mfa_env_prompt_level ok
    end
end

# Prints the segment for this shell's session, nothing when there is none.
# --color: yellow under 10 minutes, red when expired (unless NO_COLOR is set
# or the terminal is dumb), for use in fish_prompt / fish_right_prompt.
function mfa_env_prompt --description 'Print the AWS session profile and time left'
    __mfa_env_prompt_compute
    test -n "$__mfa_env_prompt_text"; or return 0
    set -l color
    if test "$argv[1]" = --color -a -z "$NO_COLOR" -a -n "$TERM" -a "$TERM" != dumb
        switch $__mfa_env_prompt_level
            case warn
                set color yellow
            case expired
                set color red
        end
    end
    if test -n "$color"
        printf '%s%s%s' (set_color $color) $__mfa_env_prompt_text (set_color normal)
    else
        printf '%s' $__mfa_env_prompt_text
    end
end

function __mfa_env_return
    return $argv[1]
end

# Open shells follow a new session. When this shell's session is within 5
# minutes of its end by the shell's own clock (__mfa_env_now: no process on
# Linux), ask mfa-env, at most once a minute, for the cached session of the
# same profile if it is newer: `mfa-env --follow` never mints, never asks for
# anything, and prints nothing when there is nothing newer, so the shell stays
# as it is. While the session is fresh this starts no process.
# MFA_ENV_FOLLOW=0 turns it off.
function __mfa_env_follow --on-event fish_prompt
    test "$MFA_ENV_FOLLOW" = 0; and return 0
    test -n "$MFA_ENV_PROFILE" -a -n "$MFA_ENV_EXPIRES"; or return 0
    string match -qr '^\d{1,15}$' -- "$MFA_ENV_EXPIRES"; or return 0
    set -l now (__mfa_env_now)
    test (math "$MFA_ENV_EXPIRES - $now") -gt 300; and return 0
    set -q __mfa_env_follow_at; or set -g __mfa_env_follow_at 0
    test (math "$now - $__mfa_env_follow_at") -lt 60; and return 0
    set -g __mfa_env_follow_at $now
    set -l out (command mfa-env --follow --profile "$MFA_ENV_PROFILE" --shell fish 2>/dev/null); or return 0
    test -n "$out"; and string join \n -- $out | source
    return 0
end

if test "$MFA_ENV_PROMPT" != 0; and not set -q __mfa_env_rprompt_wrapped
    set -g __mfa_env_rprompt_wrapped 1
    # functions -q autoloads the user's or the theme's fish_right_prompt.
    if functions -q fish_right_prompt
        functions --copy fish_right_prompt __mfa_env_orig_fish_right_prompt
    end
    function fish_right_prompt
        set -l last_status $status
        # starship draws the prompt and has its own aws module.
        set -l show 1
        set -q STARSHIP_SHELL[1]; and test "$MFA_ENV_PROMPT" != 1; and set show 0
        test $show = 1; and mfa_env_prompt --color
        if functions -q __mfa_env_orig_fish_right_prompt
            test $show = 1; and test -n "$__mfa_env_prompt_text"; and printf ' '
            # The original sees the status of the user's command, as before.
            __mfa_env_return $last_status
            __mfa_env_orig_fish_right_prompt
        end
    end
end

# Profile names from both AWS files, for the completions below.
function __mfa_env_profiles
    set -l config $HOME/.aws/config
    set -q AWS_CONFIG_FILE[1]; and set config $AWS_CONFIG_FILE
    set -l credentials $HOME/.aws/credentials
    set -q AWS_SHARED_CREDENTIALS_FILE[1]; and set credentials $AWS_SHARED_CREDENTIALS_FILE
    test -r $config; and string match -rg '^\s*\[\s*(?:profile\s+)?([^\]\s]+)\s*\]' <$config
    test -r $credentials; and string match -rg '^\s*\[\s*([^\]\s]+)\s*\]' <$credentials
end

# >>> generated from src/cli/options.ts by npm run build (scripts/shell-lists.ts): do not edit
# Flags that take a value: the next word is theirs, not a command.
function __mfa_env_takes_value
    contains -- $argv[1] -p --profile -c --code -d --duration -s --shell -f --format --write-profile --access-key-id --mfa-serial --region --credential-process --role-arn --source-profile --external-id
end

# Commands whose output is lines for this shell to apply (none: export).
function __mfa_env_applies
    contains -- "$argv[1]" '' export logout unset
end

# Completions (`complete -e` first, so loading twice adds nothing).
complete -c mfa-env -e
complete -c mfa-exec -e
function __mfa_env_no_command
    not __fish_seen_subcommand_from export setup status logout unset remove rotate credential-process init doctor demo
end
complete -c mfa-env -f
complete -c mfa-env -n '__mfa_env_no_command' -a export -d 'print the session as export lines (the default command)'
complete -c mfa-env -n '__mfa_env_no_command' -a setup -d 'store the long-term key (prompts for what flags omit)'
complete -c mfa-env -n '__mfa_env_no_command' -a status -d 'show profiles, stored keys and cached sessions'
complete -c mfa-env -n '__mfa_env_no_command' -a logout -d 'delete cached sessions and print unset lines'
complete -c mfa-env -n '__mfa_env_no_command' -a unset -d 'print unset lines for the session variables'
complete -c mfa-env -n '__mfa_env_no_command' -a remove -d 'delete a profile’s stored key and cached session'
complete -c mfa-env -n '__mfa_env_no_command' -a rotate -d 'replace the long-term key with a new one (IAM)'
complete -c mfa-env -n '__mfa_env_no_command' -a credential-process -d 'print credential_process JSON (for ~/.aws/config)'
complete -c mfa-env -n '__mfa_env_no_command' -a init -d 'print the shell integration: mfa, prompt, completion'
complete -c mfa-env -n '__mfa_env_no_command' -a doctor -d 'check the store, AWS files, profiles, integration, PATH'
complete -c mfa-env -n '__mfa_env_no_command' -a demo -d 'try it against a built-in local STS (no AWS account)'
complete -c mfa-env -n '__mfa_env_no_command; or __fish_seen_subcommand_from export' -s p -l profile -x -a '(__mfa_env_profiles)' -d 'profile (else $AWS_PROFILE/$MFA_ENV_PROFILE/default)'
complete -c mfa-env -n '__mfa_env_no_command; or __fish_seen_subcommand_from export' -s c -l code -x -d 'MFA code (default: mfa_process, else a prompt)'
complete -c mfa-env -n '__mfa_env_no_command; or __fish_seen_subcommand_from export' -s d -l duration -x -d 'session length: 12h, 90m or seconds (900–129600)'
complete -c mfa-env -n '__mfa_env_no_command; or __fish_seen_subcommand_from export' -l refresh -d 'ignore a cached session and mint a new one'
complete -c mfa-env -n '__mfa_env_no_command; or __fish_seen_subcommand_from export' -l no-cache -d 'neither read nor write the session cache'
complete -c mfa-env -n '__mfa_env_no_command; or __fish_seen_subcommand_from export' -s s -l shell -x -a 'bash zsh fish powershell' -d 'output dialect (default: detected)'
complete -c mfa-env -n '__mfa_env_no_command; or __fish_seen_subcommand_from export' -s f -l format -x -a 'shell json credential-process' -d 'shell, json or credential-process'
complete -c mfa-env -n '__mfa_env_no_command; or __fish_seen_subcommand_from export' -l write-profile -x -a '(__mfa_env_profiles)' -d 'also write the session into [NAME] of credentials'
complete -c mfa-env -n '__mfa_env_no_command; or __fish_seen_subcommand_from export' -l force -d 'with --write-profile: replace a long-term key there'
complete -c mfa-env -n '__fish_seen_subcommand_from setup' -s p -l profile -x -a '(__mfa_env_profiles)' -d 'profile (else $AWS_PROFILE/default)'
complete -c mfa-env -n '__fish_seen_subcommand_from setup' -l access-key-id -x -d 'the IAM user’s AKIA… key id'
complete -c mfa-env -n '__fish_seen_subcommand_from setup' -l secret-stdin -d 'read the secret access key from stdin'
complete -c mfa-env -n '__fish_seen_subcommand_from setup' -l mfa-serial -x -d 'MFA device ARN (default: asks IAM ListMFADevices)'
complete -c mfa-env -n '__fish_seen_subcommand_from setup' -l region -x -d 'region to write into the profile'
complete -c mfa-env -n '__fish_seen_subcommand_from setup' -l import -d 'take the key from the plaintext credentials file'
complete -c mfa-env -n '__fish_seen_subcommand_from setup' -l remove-plaintext -d 'then delete it there (keeps a redacted backup)'
complete -c mfa-env -n '__fish_seen_subcommand_from setup' -l credential-process -x -d 'also write [profile NAME] using credential_process'
complete -c mfa-env -n '__fish_seen_subcommand_from setup' -l force -d 'with --credential-process: replace [profile NAME]'
complete -c mfa-env -n '__fish_seen_subcommand_from setup' -l role-arn -x -d 'make --profile a role profile: the role to assume'
complete -c mfa-env -n '__fish_seen_subcommand_from setup' -l source-profile -x -a '(__mfa_env_profiles)' -d 'with --role-arn: the profile whose MFA session assumes it'
complete -c mfa-env -n '__fish_seen_subcommand_from setup' -l external-id -x -d 'with --role-arn: the external id its trust policy asks for'
complete -c mfa-env -n '__fish_seen_subcommand_from setup' -l duration -x -d 'with --role-arn: its duration_seconds (default 1h)'
complete -c mfa-env -n '__fish_seen_subcommand_from status' -l json -d 'machine-readable output'
complete -c mfa-env -n '__fish_seen_subcommand_from logout' -s p -l profile -x -a '(__mfa_env_profiles)' -d 'profile (else $AWS_PROFILE/$MFA_ENV_PROFILE/default)'
complete -c mfa-env -n '__fish_seen_subcommand_from logout' -s s -l shell -x -a 'bash zsh fish powershell' -d 'output dialect (default: detected)'
complete -c mfa-env -n '__fish_seen_subcommand_from logout' -l all -d 'every profile'
complete -c mfa-env -n '__fish_seen_subcommand_from unset' -s s -l shell -x -a 'bash zsh fish powershell' -d 'output dialect (default: detected)'
complete -c mfa-env -n '__fish_seen_subcommand_from remove' -s p -l profile -x -a '(__mfa_env_profiles)' -d 'profile (else $AWS_PROFILE/$MFA_ENV_PROFILE/default)'
complete -c mfa-env -n '__fish_seen_subcommand_from rotate' -s p -l profile -x -a '(__mfa_env_profiles)' -d 'profile (else $AWS_PROFILE/$MFA_ENV_PROFILE/default)'
complete -c mfa-env -n '__fish_seen_subcommand_from rotate' -s c -l code -x -d 'MFA code, when no cached session can sign the IAM calls'
complete -c mfa-env -n '__fish_seen_subcommand_from credential-process' -s p -l profile -x -a '(__mfa_env_profiles)' -d 'profile (else $AWS_PROFILE/$MFA_ENV_PROFILE/default)'
complete -c mfa-env -n '__fish_seen_subcommand_from credential-process' -s c -l code -x -d 'MFA code (default: mfa_process, else a prompt)'
complete -c mfa-env -n '__fish_seen_subcommand_from credential-process' -s d -l duration -x -d 'session length: 12h, 90m or seconds (900–129600)'
complete -c mfa-env -n '__fish_seen_subcommand_from credential-process' -l refresh -d 'ignore a cached session and mint a new one'
complete -c mfa-env -n '__fish_seen_subcommand_from credential-process' -l no-cache -d 'neither read nor write the session cache'
complete -c mfa-env -n '__fish_seen_subcommand_from init' -a 'bash zsh fish powershell' -d 'your shell'
complete -c mfa-env -n '__fish_seen_subcommand_from doctor' -s p -l profile -x -a '(__mfa_env_profiles)' -d 'profile (else $AWS_PROFILE/$MFA_ENV_PROFILE/default)'
complete -c mfa-env -l debug -d 'print each decision on stderr (or MFA_ENV_DEBUG=1)'
complete -c mfa-env -s h -l help -d 'show help'
complete -c mfa-exec -s p -l profile -x -a '(__mfa_env_profiles)' -d 'profile (else $AWS_PROFILE/$MFA_ENV_PROFILE/default)'
complete -c mfa-exec -s c -l code -x -d 'MFA code (default: mfa_process, else a prompt)'
complete -c mfa-exec -s d -l duration -x -d 'session length: 12h, 90m or seconds (900–129600)'
complete -c mfa-exec -l refresh -d 'ignore a cached session and mint a new one'
complete -c mfa-exec -l no-cache -d 'neither read nor write the session cache'
complete -c mfa-exec -l server -d 'a local credential endpoint for COMMAND, renewed, instead of credentials in its env'
complete -c mfa-exec -l force -d 'with no command: start a shell even inside an mfa-exec shell for the same profile'
complete -c mfa-exec -l debug -d 'print each decision on stderr (or MFA_ENV_DEBUG=1)'
complete -c mfa-exec -s h -l help -d 'show help'
# <<< generated

# Tells `mfa-env doctor` (a child process) that this shell loaded the integration.
set -gx MFA_ENV_SHELL_INTEGRATION "fish:$fish_pid"
