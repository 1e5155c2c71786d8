package dev.botbottle.core.provision;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The OpenSSL subject hash of a certificate ({@code openssl x509 -subject_hash}), the name of its link in a
 * {@code CApath} directory such as {@code /etc/ssl/certs}: the first four bytes, little-endian, of the SHA-1 of the
 * subject's canonical encoding. OpenSSL canonicalises each attribute value of a string type by converting it to
 * UTF-8, dropping leading and trailing white space, folding inner runs of it to one space and lower-casing ASCII
 * letters, then encodes the relative distinguished names one after another without the outer sequence. Computed
 * here so installing a CA costs no {@code openssl} run in the bottle.
 */
final class SubjectHash {

    private static final int SEQUENCE = 0x30;
    private static final int SET = 0x31;
    private static final int UTF8_STRING = 0x0c;

    private SubjectHash() {
    }

    /** @return eight lower-case hex digits, e.g. {@code 653b494a} */
    static String of(X509Certificate certificate) {
        byte[] canonical = canonical(certificate.getSubjectX500Principal().getEncoded());
        try {
            byte[] md = MessageDigest.getInstance("SHA-1").digest(canonical);
            long h = (md[0] & 0xffL) | (md[1] & 0xffL) << 8 | (md[2] & 0xffL) << 16 | (md[3] & 0xffL) << 24;
            return String.format("%08x", h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-1", e);
        }
    }

    /** @param name the DER of a Name @return OpenSSL's canonical encoding of it */
    static byte[] canonical(byte[] name) {
        Der outer = new Der(name, 0);
        if (outer.tag != SEQUENCE) {
            throw new IllegalArgumentException("a certificate subject is not a DER sequence");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Der rdn : outer.children(name)) {
            List<byte[]> attributes = new ArrayList<>();
            for (Der atv : rdn.children(name)) {
                List<Der> parts = atv.children(name);
                if (parts.size() != 2) {
                    throw new IllegalArgumentException("a certificate subject attribute is not a type and a value");
                }
                byte[] type = parts.get(0).whole(name);
                byte[] value = canonicalValue(parts.get(1), name);
                attributes.add(encode(SEQUENCE, concat(type, value)));
            }
            // DER orders a SET OF by the encodings of its members
            attributes.sort(SubjectHash::compareDer);
            ByteArrayOutputStream set = new ByteArrayOutputStream();
            attributes.forEach(set::writeBytes);
            out.writeBytes(encode(SET, set.toByteArray()));
        }
        return out.toByteArray();
    }

    private static byte[] canonicalValue(Der value, byte[] der) {
        byte[] content = Arrays.copyOfRange(der, value.contentStart, value.end);
        String text;
        switch (value.tag) {
            case UTF8_STRING -> text = new String(content, StandardCharsets.UTF_8);
            case 0x13, 0x16, 0x1a, 0x14 -> text = new String(content, StandardCharsets.ISO_8859_1); // Printable, IA5, Visible, T61
            case 0x1e -> text = new String(content, StandardCharsets.UTF_16BE); // BMPString
            case 0x1c -> text = new String(content, java.nio.charset.Charset.forName("UTF-32BE")); // UniversalString
            default -> {
                return value.whole(der);
            }
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int from = 0;
        int to = utf8.length;
        while (from < to && space(utf8[from])) {
            from++;
        }
        while (to > from && space(utf8[to - 1])) {
            to--;
        }
        ByteArrayOutputStream folded = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            byte b = utf8[i];
            if (space(b)) {
                folded.write(' ');
                while (i + 1 < to && space(utf8[i + 1])) {
                    i++;
                }
            } else if (b >= 'A' && b <= 'Z') {
                folded.write(b + ('a' - 'A'));
            } else {
                folded.write(b);
            }
        }
        return encode(UTF8_STRING, folded.toByteArray());
    }

    /** OpenSSL's {@code ossl_isspace}: space, tab, newline, vertical tab, form feed, carriage return. */
    private static boolean space(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    private static int compareDer(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            int d = (a[i] & 0xff) - (b[i] & 0xff);
            if (d != 0) {
                return d;
            }
        }
        return a.length - b.length;
    }

    private static byte[] encode(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else {
            int bytes = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write((len >>> (8 * i)) & 0xff);
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** One DER element: its tag, where its content starts and where it ends. */
    private static final class Der {
        final int start;
        final int tag;
        final int contentStart;
        final int end;

        Der(byte[] der, int at) {
            if (at + 2 > der.length) {
                throw new IllegalArgumentException("truncated DER in a certificate subject");
            }
            start = at;
            tag = der[at] & 0xff;
            int len = der[at + 1] & 0xff;
            int p = at + 2;
            if (len >= 0x80) {
                int n = len & 0x7f;
                if (n == 0 || n > 4 || p + n > der.length) {
                    throw new IllegalArgumentException("bad DER length in a certificate subject");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (der[p++] & 0xff);
                }
            }
            contentStart = p;
            end = p + len;
            if (end > der.length || end < p) {
                throw new IllegalArgumentException("truncated DER in a certificate subject");
            }
        }

        List<Der> children(byte[] der) {
            List<Der> out = new ArrayList<>();
            for (int p = contentStart; p < end; ) {
                Der child = new Der(der, p);
                out.add(child);
                p = child.end;
            }
            return out;
        }

        byte[] whole(byte[] der) {
            return Arrays.copyOfRange(der, start, end);
        }
    }
}
