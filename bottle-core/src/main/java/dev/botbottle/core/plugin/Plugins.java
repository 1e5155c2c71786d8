package dev.botbottle.core.plugin;

import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.DeployKeyProvisionerFactory;
import dev.botbottle.spi.GatewayServiceProvider;

import java.util.ArrayList;
import java.util.List;

/**
 * Every plugin the runtime can use: backends, agent providers, deploy-key provisioners and gateway services.
 *
 * <p>{@link #discover()} uses the thread's context class loader; {@link #builder()} lets a host register
 * instances directly, choose the class loader or turn discovery off (tests, shaded applications).
 *
 * @param backends backends by name
 * @param agents agent providers by template name
 * @param deployKeys deploy-key provisioners by provider name
 * @param gateways gateway services by name
 * @since 0.1
 */
public record Plugins(PluginRegistry<BackendProvider> backends, PluginRegistry<AgentProvider> agents,
                      PluginRegistry<DeployKeyProvisionerFactory> deployKeys,
                      PluginRegistry<GatewayServiceProvider> gateways) {

    /** @return the plugins found on the context class loader */
    public static Plugins discover() {
        return builder().build();
    }

    /** @return a builder with discovery on the context class loader */
    public static Builder builder() {
        return new Builder();
    }

    /** @return every problem met while discovering plugins of any kind */
    public List<String> problems() {
        List<String> all = new ArrayList<>();
        all.addAll(backends.problems());
        all.addAll(agents.problems());
        all.addAll(deployKeys.problems());
        all.addAll(gateways.problems());
        return all;
    }

    /** Chooses how plugins are found. */
    public static final class Builder {
        private ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
        private boolean discovery = true;
        private final List<BackendProvider> backends = new ArrayList<>();
        private final List<AgentProvider> agents = new ArrayList<>();
        private final List<DeployKeyProvisionerFactory> deployKeys = new ArrayList<>();
        private final List<GatewayServiceProvider> gateways = new ArrayList<>();

        private Builder() {
        }

        /** @param loader where to discover plugins @return this builder */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = loader;
            return this;
        }

        /** @param enabled whether to discover plugins at all (explicit ones are always used) @return this builder */
        public Builder discovery(boolean enabled) {
            this.discovery = enabled;
            return this;
        }

        /** @param provider a backend to use; wins over a discovered one of the same name @return this builder */
        public Builder backend(BackendProvider provider) {
            backends.add(provider);
            return this;
        }

        /** @param provider an agent provider to use; wins over a discovered one @return this builder */
        public Builder agent(AgentProvider provider) {
            agents.add(provider);
            return this;
        }

        /** @param factory a deploy-key provisioner to use; wins over a discovered one @return this builder */
        public Builder deployKey(DeployKeyProvisionerFactory factory) {
            deployKeys.add(factory);
            return this;
        }

        /** @param provider a gateway service to use; wins over a discovered one @return this builder */
        public Builder gateway(GatewayServiceProvider provider) {
            gateways.add(provider);
            return this;
        }

        /** @return the plugins */
        public Plugins build() {
            ClassLoader loader = discovery ? (classLoader != null ? classLoader : Plugins.class.getClassLoader()) : null;
            return new Plugins(
                    PluginRegistry.load(BackendProvider.class, "backend", BackendProvider::name, backends, loader),
                    PluginRegistry.load(AgentProvider.class, "agent provider", AgentProvider::name, agents, loader),
                    PluginRegistry.load(DeployKeyProvisionerFactory.class, "deploy-key provisioner",
                            DeployKeyProvisionerFactory::name, deployKeys, loader),
                    PluginRegistry.load(GatewayServiceProvider.class, "gateway service", GatewayServiceProvider::name,
                            gateways, loader));
        }
    }
}
