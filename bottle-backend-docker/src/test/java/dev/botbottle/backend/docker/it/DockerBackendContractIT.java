package dev.botbottle.backend.docker.it;

import dev.botbottle.backend.docker.DockerBackendProvider;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.testkit.tck.BackendContract;

import java.util.Map;

/** The backend TCK against the real Docker engine and host firewall. */
class DockerBackendContractIT extends BackendContract {

    @Override
    protected BackendProvider provider() {
        return new DockerBackendProvider();
    }

    @Override
    protected ImageSpec image() {
        return ImageSpec.of(DockerEngine.BASE_IMAGE);
    }

    @Override
    protected void assumeReady() {
        DockerEngine.assumeReady();
    }

    @Override
    protected Map<String, String> unreachableEngineOptions() {
        return Map.of("docker.binary", "/nonexistent/bot-bottle-tck/docker");
    }

    @Override
    protected String slugPrefix() {
        return "tck-docker";
    }
}
