package io.datastores.kit.net;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An allow-list entry: an IPv4 or IPv6 address, optionally with a prefix length (a lone address is
 * a block of one). {@link #problem} says why an entry is invalid; {@link #parse} and
 * {@link #contains} match a client's address. A prefix length of 0 ({@code 0.0.0.0/0},
 * {@code ::/0}) allows every address of either family; otherwise an IPv4 client matches an IPv6
 * block through its IPv4-mapped form ({@code ::ffff:a.b.c.d}) and the reverse.
 */
public final class Cidr {

    private static final Pattern IPV4 =
            Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{1,4}");
    private static final byte[] MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1};

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** Why {@code entry} is not an IP address or CIDR block, or empty when it is one. */
    public static Optional<String> problem(String entry) {
        if (entry == null || entry.isBlank()) {
            return Optional.of("empty entry");
        }
        String[] parts = entry.split("/", -1);
        if (parts.length > 2) {
            return Optional.of("'" + entry + "' has more than one '/'");
        }
        boolean v6 = parts[0].contains(":");
        if (v6 ? !isIpv6(parts[0]) : !isIpv4(parts[0])) {
            return Optional.of("'" + parts[0] + "' is not an IPv" + (v6 ? "6" : "4") + " address");
        }
        if (parts.length == 2) {
            int max = v6 ? 128 : 32;
            if (!parts[1].matches("\\d{1,3}") || Integer.parseInt(parts[1]) > max) {
                return Optional.of("'/" + parts[1] + "' is not a prefix length from 0 to " + max);
            }
        }
        return Optional.empty();
    }

    /** The block {@code entry} names; {@link IllegalArgumentException} with the problem if none. */
    public static Cidr parse(String entry) {
        problem(entry).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        String[] parts = entry.split("/", -1);
        byte[] address = literal(parts[0]);
        int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
        return new Cidr(mask(address, prefix), prefix, entry);
    }

    /** Whether any of {@code blocks} contains {@code address}. */
    public static boolean anyContains(Collection<Cidr> blocks, InetAddress address) {
        return blocks.stream().anyMatch(block -> block.contains(address));
    }

    /** Whether {@code address} is inside this block. */
    public boolean contains(InetAddress address) {
        if (prefix == 0) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            bytes = bytes.length == 4 ? mapped(bytes) : unmapped(bytes);
            if (bytes == null) {
                return false;
            }
        }
        return Arrays.equals(mask(bytes, prefix), network);
    }

    /** The prefix length in bits. */
    public int prefixLength() {
        return prefix;
    }

    /** Whether this is an IPv6 block. */
    public boolean isIpv6() {
        return network.length == 16;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    /** The entry as it was written. */
    @Override
    public String toString() {
        return text;
    }

    /** The bytes of a validated literal, parsed here so that no name lookup can ever happen. */
    private static byte[] literal(String validated) {
        if (!validated.contains(":")) {
            return ipv4(validated);
        }
        String body = validated;
        byte[] tail = new byte[0];
        int lastColon = validated.lastIndexOf(':');
        if (validated.substring(lastColon + 1).contains(".")) {
            tail = ipv4(validated.substring(lastColon + 1));
            body = validated.substring(0, lastColon + 1) + "0:0";
        }
        String[] halves = body.split("::", -1);
        int[] head = groups(halves[0]);
        int[] rest = halves.length == 2 ? groups(halves[1]) : new int[0];
        byte[] out = new byte[16];
        for (int i = 0; i < head.length; i++) {
            out[2 * i] = (byte) (head[i] >> 8);
            out[2 * i + 1] = (byte) head[i];
        }
        int start = 8 - rest.length;
        for (int i = 0; i < rest.length; i++) {
            out[2 * (start + i)] = (byte) (rest[i] >> 8);
            out[2 * (start + i) + 1] = (byte) rest[i];
        }
        if (tail.length == 4) {
            System.arraycopy(tail, 0, out, 12, 4);
        }
        return out;
    }

    private static byte[] ipv4(String validated) {
        String[] parts = validated.split("\\.");
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    private static int[] groups(String groups) {
        if (groups.isEmpty()) {
            return new int[0];
        }
        return Arrays.stream(groups.split(":", -1)).mapToInt(g -> Integer.parseInt(g, 16))
                .toArray();
    }

    private static byte[] mapped(byte[] v4) {
        byte[] v6 = Arrays.copyOf(MAPPED_PREFIX, 16);
        System.arraycopy(v4, 0, v6, 12, 4);
        return v6;
    }

    private static byte[] unmapped(byte[] v6) {
        if (!Arrays.equals(Arrays.copyOf(v6, 12), MAPPED_PREFIX)) {
            return null;
        }
        return Arrays.copyOfRange(v6, 12, 16);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xff << (8 - bits));
        }
        return masked;
    }

    private static boolean isIpv4(String s) {
        var m = IPV4.matcher(s);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String s) {
        int compressions = s.split("::", -1).length - 1;
        if (compressions > 1) {
            return false;
        }
        String body = s;
        int groupsNeeded = 8;
        int lastColon = s.lastIndexOf(':');
        if (s.substring(lastColon + 1).contains(".")) {
            if (!isIpv4(s.substring(lastColon + 1))) {
                return false;
            }
            body = s.substring(0, lastColon + 1) + "0:0";
        }
        if (compressions == 1) {
            String[] halves = body.split("::", -1);
            int groups = count(halves[0]) + count(halves[1]);
            return groups >= 0 && groups < groupsNeeded && validGroups(halves[0])
                    && validGroups(halves[1]);
        }
        return count(body) == groupsNeeded && validGroups(body);
    }

    private static int count(String groups) {
        return groups.isEmpty() ? 0 : groups.split(":", -1).length;
    }

    private static boolean validGroups(String groups) {
        if (groups.isEmpty()) {
            return true;
        }
        for (String g : groups.split(":", -1)) {
            if (!HEX.matcher(g).matches()) {
                return false;
            }
        }
        return true;
    }
}
