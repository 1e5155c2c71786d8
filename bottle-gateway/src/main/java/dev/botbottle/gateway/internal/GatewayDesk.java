package dev.botbottle.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.Credential;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.Decision;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.Proposal;
import dev.botbottle.spi.ProposalDesk;
import dev.botbottle.spi.ProposedChange;
import dev.botbottle.spi.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway program's side of the bottle's proposal desk and credential sources: every call goes to the runtime
 * over the {@code desk} connection the runtime opened. Without a runtime attached, proposals are refused (the agent
 * is told to ask again later); nothing is queued here, so nothing is lost when the program ends.
 */
public final class GatewayDesk implements ProposalDesk {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayDesk.class);
    /** How long a call other than {@code await} may take at the runtime. */
    private static final Duration CALL = Duration.ofSeconds(60);

    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();
    private volatile Lines runtime;

    /**
     * Serves one {@code desk} connection until it ends: answers are matched to calls by id.
     *
     * @param lines the connection
     */
    public void serve(Lines lines) {
        Lines previous = runtime;
        runtime = lines;
        if (previous != null) {
            previous.close();
        }
        try {
            String line;
            while ((line = lines.read()) != null) {
                JsonNode answer = Wire.parse(line);
                CompletableFuture<JsonNode> call = calls.remove(answer.path("id").asLong(-1));
                if (call != null) {
                    call.complete(answer);
                }
            }
        } catch (IOException | BottleException e) {
            LOG.debug("the runtime's desk connection ended: {}", e.getMessage());
        } finally {
            if (runtime == lines) {
                runtime = null;
                calls.values().forEach(c -> c.completeExceptionally(
                        new BottleException("the runtime holding this bottle went away; ask again once it is back")));
            }
        }
    }

    @Override
    public Proposal submit(ProposedChange change, String justification) {
        ObjectNode args = Wire.object();
        args.set("change", Wire.tree(change, ProposedChange.class));
        args.put("justification", justification);
        return Wire.read(call("submit", args, CALL).path("proposal"), Proposal.class);
    }

    @Override
    public Optional<Decision> await(String proposalId, Duration timeout) throws InterruptedException {
        ObjectNode args = Wire.object();
        args.put("proposalId", proposalId);
        args.put("timeoutMillis", timeout.toMillis());
        JsonNode decision = interruptibleCall("await", args, timeout.plus(CALL)).path("decision");
        return decision.isMissingNode() || decision.isNull() ? Optional.empty()
                : Optional.of(Wire.read(decision, Decision.class));
    }

    @Override
    public Optional<Proposal> find(String proposalId) {
        ObjectNode args = Wire.object();
        args.put("proposalId", proposalId);
        JsonNode proposal = call("find", args, CALL).path("proposal");
        return proposal.isMissingNode() || proposal.isNull() ? Optional.empty()
                : Optional.of(Wire.read(proposal, Proposal.class));
    }

    @Override
    public List<EgressRoute> routes() {
        return Arrays.asList(Wire.read(call("routes", Wire.object(), CALL).path("routes"), EgressRoute[].class));
    }

    /**
     * The program's credential source: the values the runtime sent (at start, with replaced routes), refreshed
     * through the runtime's own sources while a runtime is attached — asked again before an expiry or after an
     * upstream refused a value, as in process (the egress gateway calls these from its own threads).
     *
     * @param sent the values the runtime sent, by reference; a refreshed value replaces its entry
     * @return the source
     */
    public CredentialSource credentials(Map<String, Secret> sent) {
        return new CredentialSource() {
            @Override
            public Optional<Secret> resolve(String reference) {
                return credential(reference).map(Credential::value);
            }

            @Override
            public Optional<Credential> credential(String reference) {
                if (runtime != null) {
                    try {
                        ObjectNode args = Wire.object();
                        args.put("reference", reference);
                        JsonNode answer = call("credential", args, CALL).path("credential");
                        if (!answer.isMissingNode() && !answer.isNull()) {
                            Credential fresh = Wire.read(answer, Credential.class);
                            sent.put(reference, fresh.value());
                            return Optional.of(fresh);
                        }
                    } catch (BottleException e) {
                        LOG.warn("the runtime could not refresh credential {}: {}", reference, e.getMessage());
                    }
                }
                return Optional.ofNullable(sent.get(reference)).map(Credential::of);
            }

            @Override
            public void invalidate(String reference) {
                if (runtime != null) {
                    ObjectNode args = Wire.object();
                    args.put("reference", reference);
                    try {
                        call("invalidate", args, CALL);
                    } catch (BottleException e) {
                        LOG.warn("the runtime could not drop credential {}: {}", reference, e.getMessage());
                    }
                }
            }
        };
    }

    private JsonNode call(String op, ObjectNode args, Duration timeout) {
        try {
            return interruptibleCall(op, args, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BottleException("interrupted while the runtime answered " + op, e);
        }
    }

    private JsonNode interruptibleCall(String op, ObjectNode args, Duration timeout) throws InterruptedException {
        Lines lines = runtime;
        if (lines == null) {
            throw new BottleException("no runtime holds this bottle's proposal desk right now; ask again later");
        }
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        calls.put(id, answer);
        args.put("id", id);
        args.put("call", op);
        try {
            lines.write(Wire.line(args));
            return Wire.checked(answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS), "the proposal desk's " + op);
        } catch (IOException e) {
            throw new BottleException("cannot reach the runtime's proposal desk: " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new BottleException("the runtime's proposal desk did not answer " + op + " in time");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new BottleException(e.getCause().toString());
        } finally {
            calls.remove(id);
        }
    }
}
