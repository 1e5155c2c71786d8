package dev.botbottle.backend.smolvm.it;

import dev.botbottle.backend.smolvm.SmolvmBackendProvider;
import dev.botbottle.backend.smolvm.testdouble.SmolvmDoubleLauncher;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.testkit.tck.BackendContract;
import org.junit.jupiter.api.AfterAll;

import java.util.Map;

/**
 * The backend TCK against the smolvm backend driving the smolvm TEST DOUBLE (Docker containers standing in for
 * microVMs, on machines without KVM). {@link SmolvmContractIT} runs the same TCK against the real smolvm.
 */
class SmolvmDoubleContractIT extends BackendContract {

    SmolvmDoubleContractIT() {
        SmolvmDoubleLauncher.install();
    }

    @AfterAll
    void useTheRealSmolvmAgain() {
        SmolvmDoubleLauncher.uninstall();
    }

    @Override
    protected BackendProvider provider() {
        return new SmolvmBackendProvider();
    }

    @Override
    protected ImageSpec image() {
        return ImageSpec.of(HostTools.BASE_IMAGE);
    }

    @Override
    protected void assumeReady() {
        HostTools.assumeDockerAndFirewall(getClass().getSimpleName());
    }

    @Override
    protected Map<String, String> unreachableEngineOptions() {
        return Map.of("smolvm.binary", "/nonexistent/bot-bottle-tck/smolvm");
    }

    @Override
    protected String slugPrefix() {
        return "tck-smolvm";
    }
}
