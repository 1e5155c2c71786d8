package dev.botbottle.supervise.internal;

/** What the agent is told about the supervise server: in its instruction file and in the MCP instructions. */
public final class AgentNotes {

    /** The notes, Markdown. */
    public static final String TEXT = """
            ## Asking your operator (bot-bottle supervise)

            You run in a bottle: the network reaches only the hosts your operator allowed, and the image holds only the
            tools it was built with. When a request is refused by the bot-bottle egress gateway (HTTP 403 saying so) or
            you lack a tool, do not work around the sandbox: ask through the `supervise` MCP server.

            - `list-egress-routes` {}: the hosts (and paths and methods) you may reach now.
            - `egress-block` {"host": "api.example.com", "methods": ["GET"], "paths": ["/v1/"], "justification": "why the task needs it"}:
              ask for a host; `methods` and `paths` (path prefixes) are optional and narrow what you ask for.
            - `capability-block` {"dockerfile": "RUN apt-get install -y ripgrep", "justification": "..."}: ask for an image change;
              it takes effect when the operator rebuilds the bottle (a stop and resume; your files stay).
            - `ask` {"question": "..."}: ask your operator anything.
            - `proposal-status` {"proposal_id": "..."}: wait again for an answer that was still pending.

            Each call waits a while for the answer. "still pending" means the operator has not answered yet: carry on
            with work that does not need it and call `proposal-status` later. An approved route works at once: retry
            the request. A rejection comes with the operator's reason: respect it.
            """;

    private AgentNotes() {
    }
}
