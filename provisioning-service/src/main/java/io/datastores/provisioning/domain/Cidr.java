package io.datastores.provisioning.domain;

import java.util.Optional;
import java.util.regex.Pattern;

/** Validation of allow-list entries: IPv4 or IPv6 addresses, optionally with a prefix length. */
public final class Cidr {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{1,4}");

    private Cidr() {
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
            return groups >= 0 && groups < groupsNeeded && validGroups(halves[0]) && validGroups(halves[1]);
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
