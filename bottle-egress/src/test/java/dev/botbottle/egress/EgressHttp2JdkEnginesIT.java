package dev.botbottle.egress;

/** {@link EgressHttp2IT} on the JDK's TLS and NIO (the fallback when the native engines cannot load). */
class EgressHttp2JdkEnginesIT extends EgressHttp2IT {

    @Override
    EgressOptions options() {
        return EgressOptions.defaults().withNativeEngines(false);
    }
}
