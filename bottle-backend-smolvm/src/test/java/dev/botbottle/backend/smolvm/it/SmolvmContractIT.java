package dev.botbottle.backend.smolvm.it;

import dev.botbottle.backend.smolvm.SmolvmBackendProvider;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.testkit.tck.BackendContract;
import org.junit.jupiter.api.Assumptions;

import java.util.Map;

/**
 * The backend TCK against the real smolvm: runs where {@code smolvm} is on PATH and {@code /dev/kvm} can be
 * opened (the provider's availability); skipped, printing why, elsewhere. {@link SmolvmDoubleContractIT} runs the
 * same tests against the test double.
 */
class SmolvmContractIT extends BackendContract {

    @Override
    protected BackendProvider provider() {
        Assumptions.assumeTrue(System.getProperty(SmolvmBackendProvider.TEST_DOUBLE_PROPERTY) == null,
                "the smolvm test double is switched on; this class is for the real smolvm");
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
        return "tck-realvm";
    }
}
