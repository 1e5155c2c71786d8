package dev.botbottle.egress;

/** {@link EgressGatewayIT} on the JDK's TLS and NIO (the fallback when the native engines cannot load). */
class EgressGatewayJdkEnginesIT extends EgressGatewayIT {

    @Override
    EgressOptions options() {
        return EgressOptions.defaults().withNativeEngines(false);
    }
}
