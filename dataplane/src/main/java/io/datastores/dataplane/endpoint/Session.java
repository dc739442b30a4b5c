package io.datastores.dataplane.endpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection forwarded to a target: a thread connects upstream and copies client to
 * target, a second copies back. The end of one direction (EOF) shuts that direction on the other
 * side; when both have ended, or on any error, both sockets are closed and the threads end.
 */
final class Session {

    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int BUFFER_BYTES = 32 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final Socket client;
    private final Target target;
    private final String name;
    private final Consumer<Session> onClose;
    private final AtomicInteger openDirections = new AtomicInteger(2);
    private Socket upstream;
    private boolean closed;

    Session(Socket client, Target target, String name, Consumer<Session> onClose) {
        this.client = client;
        this.target = target;
        this.name = name;
        this.onClose = onClose;
    }

    /** Connects upstream and forwards, on threads of its own. */
    void start() {
        daemon(this::connectAndForward, name + "-up").start();
    }

    Target target() {
        return target;
    }

    InetAddress clientAddress() {
        return client.getInetAddress();
    }

    /** Closes both sockets (the copy threads then end); idempotent. */
    void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeQuietly(client);
        Socket up;
        synchronized (this) {
            up = upstream;
        }
        if (up != null) {
            closeQuietly(up);
        }
        onClose.accept(this);
    }

    private void connectAndForward() {
        Socket up = new Socket();
        try {
            up.setTcpNoDelay(true);
            up.setKeepAlive(true);
            up.connect(new InetSocketAddress(target.host(), target.port()), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            LOG.warn("{}: cannot reach {} ({}); closing the client connection", name, target,
                    e.getMessage());
            closeQuietly(up);
            close();
            return;
        }
        boolean attached;
        synchronized (this) {
            attached = !closed;
            if (attached) {
                upstream = up;
            }
        }
        if (!attached) {
            closeQuietly(up);
            return;
        }
        daemon(() -> copy(up, client), name + "-down").start();
        copy(client, up);
    }

    private void copy(Socket from, Socket to) {
        byte[] buffer = new byte[BUFFER_BYTES];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            close();
            return;
        }
        if (openDirections.decrementAndGet() == 0) {
            close();
        }
    }

    static Thread daemon(Runnable body, String threadName) {
        Thread thread = new Thread(body, threadName);
        thread.setDaemon(true);
        return thread;
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing a socket failed: {}", e.getMessage());
        }
    }
}
