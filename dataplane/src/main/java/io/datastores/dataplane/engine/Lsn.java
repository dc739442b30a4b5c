package io.datastores.dataplane.engine;

/** PostgreSQL's log sequence numbers ({@code 0/3011B88}) as the byte positions the contract carries. */
public final class Lsn {

    private Lsn() {
    }

    public static long parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an LSN: " + text);
        }
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    public static String format(long position) {
        return Long.toHexString(position >>> 32).toUpperCase() + "/"
                + Long.toHexString(position & 0xffffffffL).toUpperCase();
    }
}
