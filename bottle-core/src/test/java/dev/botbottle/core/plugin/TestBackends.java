package dev.botbottle.core.plugin;

import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.BottleBackend;

/** Backends registered through this module's test {@code META-INF/services}, to test discovery. */
final class TestBackends {
    private TestBackends() {
    }

    /** A discoverable backend named "alpha". */
    public static final class Alpha implements BackendProvider {
        @Override
        public String name() {
            return "alpha";
        }

        @Override
        public Availability availability() {
            return Availability.unavailable("alpha is a test double");
        }

        @Override
        public BottleBackend create(BackendContext context) {
            throw new UnsupportedOperationException("test double");
        }
    }

    /** A second discoverable backend that also claims "alpha". */
    public static final class AlphaImpostor implements BackendProvider {
        @Override
        public String name() {
            return "alpha";
        }

        @Override
        public Availability availability() {
            return Availability.ok();
        }

        @Override
        public BottleBackend create(BackendContext context) {
            throw new UnsupportedOperationException("test double");
        }
    }

    /** A discoverable backend named "beta", alone with its name. */
    public static final class Beta implements BackendProvider {
        @Override
        public String name() {
            return "beta";
        }

        @Override
        public Availability availability() {
            return Availability.ok();
        }

        @Override
        public BottleBackend create(BackendContext context) {
            throw new UnsupportedOperationException("test double");
        }
    }

    /** A backend whose constructor fails, as a broken plugin jar would. */
    public static final class Broken implements BackendProvider {
        public Broken() {
            throw new IllegalStateException("this plugin is broken on purpose");
        }

        @Override
        public String name() {
            return "broken";
        }

        @Override
        public Availability availability() {
            return Availability.ok();
        }

        @Override
        public BottleBackend create(BackendContext context) {
            throw new UnsupportedOperationException();
        }
    }

    /** A backend a host registers explicitly. */
    static final class Explicit implements BackendProvider {
        private final String name;

        Explicit(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Availability availability() {
            return Availability.ok();
        }

        @Override
        public BottleBackend create(BackendContext context) {
            throw new UnsupportedOperationException("test double");
        }
    }
}
