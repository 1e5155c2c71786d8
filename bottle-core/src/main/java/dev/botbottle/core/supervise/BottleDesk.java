package dev.botbottle.core.supervise;

import dev.botbottle.core.plan.PlanJson;
import dev.botbottle.core.state.StateStore;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.Decision;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.Proposal;
import dev.botbottle.spi.ProposalDesk;
import dev.botbottle.spi.ProposedChange;
import dev.botbottle.spi.SupervisorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One held bottle's desk: files proposals, asks the handler, applies answers (once), audits. */
final class BottleDesk implements ProposalDesk {

    private static final Logger LOG = LoggerFactory.getLogger(BottleDesk.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String IMAGE_CHANGES = "image.Dockerfile";
    static final String REBUILD = "rebuild";

    private final String slug;
    private final StateStore state;
    private final ProposalStore store;
    private final SupervisorHandler handler;
    private final ExecutorService handlers;
    private final SuperviseAudit audit;
    private final Map<String, CompletableFuture<Decision>> answers = new ConcurrentHashMap<>();
    private final Map<String, Future<?>> deciding = new ConcurrentHashMap<>();
    private volatile List<EgressRoute> routes;
    private volatile EgressControl egress;
    private volatile boolean closed;

    BottleDesk(String slug, List<EgressRoute> routes, StateStore state, ProposalStore store, SupervisorHandler handler,
               ExecutorService handlers) {
        this.slug = slug;
        this.routes = List.copyOf(routes);
        this.state = state;
        this.store = store;
        this.handler = handler;
        this.handlers = handlers;
        this.audit = new SuperviseAudit(store.root(slug));
    }

    String slug() {
        return slug;
    }

    /** Applies answers recorded while nobody held the bottle, then hands every pending proposal to the handler. */
    void start() {
        poll();
        for (Proposal p : store.pending(slug)) {
            answers.computeIfAbsent(p.id(), id -> new CompletableFuture<>());
            ask(p);
        }
    }

    void attach(EgressControl control) {
        synchronized (this) {
            this.egress = control;
            List<EgressRoute> live = control.routes();
            if (!live.equals(routes)) {
                control.replaceRoutes(routes);
            }
        }
    }

    void close() {
        closed = true;
        deciding.values().forEach(f -> f.cancel(true));
        deciding.clear();
    }

    void poll() {
        for (String id : store.unapplied(slug)) {
            process(id);
        }
    }

    @Override
    public Proposal submit(ProposedChange change, String justification) {
        if (closed) {
            throw new BottleException("bottle " + slug + " is shutting down; ask again once it runs");
        }
        if (change instanceof ProposedChange.Route r) {
            RouteWidening.widen(routes(), r.route()); // refuse now what could never be applied
        }
        if (store.pending(slug).size() >= Supervisor.MAX_PENDING) {
            throw new BottleException("bottle " + slug + " already has " + Supervisor.MAX_PENDING
                    + " proposals waiting for the operator; wait for answers (proposal-status) before asking more");
        }
        Proposal proposal = Proposal.builder().id(newId()).slug(slug).createdAt(Instant.now())
                .justification(justification).change(change).build();
        answers.put(proposal.id(), new CompletableFuture<>());
        store.file(proposal);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("change", change);
        fields.put("justification", justification);
        audit.record("proposed", slug, proposal.id(), fields);
        ask(proposal);
        return proposal;
    }

    @Override
    public Optional<Decision> await(String proposalId, Duration timeout) throws InterruptedException {
        if (!Proposal.ID.matcher(proposalId).matches()) {
            throw new IllegalArgumentException("this bottle has no proposal " + proposalId);
        }
        // an answer another process wrote may not have been picked up by the watcher yet: apply it now
        process(proposalId);
        CompletableFuture<Decision> future = answers.get(proposalId);
        if (future == null) {
            Optional<ProposalStore.Done> done = store.done(slug, proposalId);
            if (done.isPresent()) {
                return Optional.of(done.get().decision());
            }
            if (store.find(slug, proposalId).isEmpty()) {
                throw new IllegalArgumentException("this bottle has no proposal " + proposalId);
            }
            future = answers.computeIfAbsent(proposalId, id -> new CompletableFuture<>());
        }
        try {
            return Optional.of(future.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new BottleException("waiting for proposal " + proposalId + " failed: " + e.getCause().getMessage(), e);
        }
    }

    @Override
    public Optional<Proposal> find(String proposalId) {
        return store.find(slug, proposalId);
    }

    @Override
    public List<EgressRoute> routes() {
        EgressControl control = egress;
        return control != null ? control.routes() : routes;
    }

    private void ask(Proposal proposal) {
        if (handler == SupervisorHandler.NONE || closed) {
            return;
        }
        deciding.put(proposal.id(), handlers.submit(() -> {
            try {
                Optional<Decision> decision = handler.decide(proposal);
                deciding.remove(proposal.id());
                if (decision.isPresent() && !closed) {
                    if (store.answer(proposal, decision.get())) {
                        process(proposal.id());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("the supervisor handler failed on proposal {} of bottle {} (it stays pending): {}",
                        proposal.id(), slug, e.toString());
            } finally {
                deciding.remove(proposal.id());
            }
        }));
    }

    /** Applies the answer to one proposal, once, whoever wrote it. */
    synchronized void process(String id) {
        Optional<ProposalStore.Done> done = store.done(slug, id);
        if (done.isPresent()) {
            finish(id, done.get().decision());
            return;
        }
        Optional<Proposal> found = store.find(slug, id);
        Optional<Decision> answer = store.answer(slug, id);
        if (found.isEmpty() || answer.isEmpty()) {
            return;
        }
        Proposal proposal = found.get();
        Decision decision = answer.get();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("change", proposal.change());
        fields.put("decision", decision);
        try {
            Optional<ProposedChange> granted = decision.granted(proposal);
            if (granted.isPresent()) {
                if (granted.get().getClass() != proposal.change().getClass()) {
                    throw new IllegalArgumentException("the answer grants a " + kind(granted.get())
                            + " for a proposal asking for a " + kind(proposal.change()));
                }
                apply(granted.get(), fields);
            }
        } catch (IllegalArgumentException | BottleException e) {
            LOG.warn("the approval of proposal {} of bottle {} cannot be applied: {}", id, slug, e.getMessage());
            fields.put("refused", e.getMessage());
            decision = Decision.reject("the approval could not be applied (" + e.getMessage() + ")"
                    + (decision.note().isBlank() ? "" : "; operator's note: " + decision.note()));
        }
        store.done(new ProposalStore.Done(proposal, decision, Instant.now()));
        audit.record("decided", slug, id, fields);
        LOG.info("proposal {} of bottle {} ({}): {}", id, slug, proposal.change().summary(), decision.outcome());
        finish(id, decision);
    }

    private void apply(ProposedChange change, Map<String, Object> fields) {
        if (change instanceof ProposedChange.Route r) {
            List<EgressRoute> before = routes();
            List<EgressRoute> after = RouteWidening.widen(before, r.route());
            EgressControl control = egress;
            if (control != null) {
                control.replaceRoutes(after);
            }
            routes = after;
            state.readPlan(slug).ifPresent(json -> state.writePlan(slug, PlanJson.write(PlanJson.read(json).withRoutes(after))));
            fields.put("before", before);
            fields.put("after", after);
        } else if (change instanceof ProposedChange.Image image) {
            Path file = store.root(slug).resolve(IMAGE_CHANGES);
            String before = read(file);
            String after = before + (before.isEmpty() || before.endsWith("\n") ? "" : "\n") + image.dockerfile().strip() + "\n";
            ProposalStore.replace(file, after);
            ProposalStore.replace(store.root(slug).resolve(REBUILD), "rebuild the image with " + IMAGE_CHANGES + " on resume\n");
            fields.put("before", before);
            fields.put("after", after);
        }
    }

    private void finish(String id, Decision decision) {
        answers.computeIfAbsent(id, x -> new CompletableFuture<>()).complete(decision);
        Future<?> running = deciding.remove(id);
        if (running != null) {
            running.cancel(true);
        }
    }

    private String newId() {
        for (int i = 0; i < 100; i++) {
            byte[] raw = new byte[4];
            RANDOM.nextBytes(raw);
            String id = HexFormat.of().formatHex(raw);
            if (!Character.isDigit(id.charAt(0)) && store.find(id).isEmpty()) {
                return id;
            }
        }
        throw new BottleException("cannot find a free proposal id");
    }

    private static String kind(ProposedChange change) {
        return change instanceof ProposedChange.Route ? "route" : change instanceof ProposedChange.Image ? "image change" : "answer";
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new BottleException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
