package dev.botbottle.egress.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class AddressFloorTests {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.9.9.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
            "169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "224.0.0.1", "255.255.255.255",
            "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1",
            "64:ff9b::a00:1", "2002:7f00:1::1"})
    void refusesAddressesThatReachTheHostOrItsNetworks(String address) throws Exception {
        assertThat(AddressFloor.refusal(InetAddress.getByName(address))).as(address).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "140.82.112.3", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
            "1.1.1.1"})
    void allowsPublicAddresses(String address) throws Exception {
        assertThat(AddressFloor.refusal(InetAddress.getByName(address))).as(address).isEmpty();
    }
}
