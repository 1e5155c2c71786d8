package dev.botbottle.core.manifest;

import java.util.List;
import java.util.regex.Pattern;

/** The keys and name patterns of the manifest format, in one place (the JSON Schemas and docs follow these). */
final class Keys {
    private Keys() {
    }

    /** Bottle, agent, skill and provider names. */
    static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9-]*$");
    /** Environment variable names ({@code env} keys, {@code token_ref}, provider settings naming host variables). */
    static final Pattern ENV_NAME = EnvValue.VARIABLE_NAME;

    static final List<String> BOTTLE = List.of("agent_provider", "egress", "env", "extends", "git", "image",
            "resources", "skills", "supervise");
    static final List<String> AGENT = List.of("bottle", "git", "skills");
    /** Claude Code's own agent fields, accepted and ignored so one file serves both. */
    static final List<String> AGENT_IGNORED = List.of("color", "description", "disallowedTools", "hooks",
            "mcpServers", "memory", "model", "name", "permissionMode", "tools");
    static final List<String> GIT = List.of("remotes", "user");
    static final List<String> AGENT_GIT = List.of("user");
    static final List<String> GIT_USER = List.of("email", "name");
    static final List<String> REMOTE = List.of("host_key", "identity", "provisioned_key", "push", "url");
    static final List<String> PUSH = List.of("allowed_branches", "max_size", "protected_branches");
    static final List<String> EGRESS = List.of("routes", "upstream_ca_files");
    static final List<String> ROUTE = List.of("allow_private", "auth", "dlp", "host", "matches", "ports",
            "tls_passthrough");
    static final List<String> AUTH = List.of("scheme", "token_ref");
    static final List<String> MATCH = List.of("methods", "paths");
    static final List<String> PATH = List.of("type", "value");
    static final List<String> DLP = List.of("action", "enabled");
    static final List<String> RESOURCES = List.of("cpus", "memory", "pids");
}
