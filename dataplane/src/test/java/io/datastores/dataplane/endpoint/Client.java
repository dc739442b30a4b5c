package io.datastores.dataplane.endpoint;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A test client of an endpoint, connecting from a loopback address of its choice. */
final class Client implements AutoCloseable {

    private final Socket socket;

    private Client(Socket socket) {
        this.socket = socket;
    }

    static Client connect(int port) throws IOException {
        return connectFrom("127.0.0.1", port);
    }

    /** Connects to {@code 127.0.0.1:port} from {@code source} (any of 127.0.0.0/8). */
    static Client connectFrom(String source, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setSoTimeout(15_000);
        return new Client(socket);
    }

    Socket socket() {
        return socket;
    }

    void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** Exactly {@code length} bytes read, as text. */
    String receive(int length) throws IOException {
        byte[] bytes = socket.getInputStream().readNBytes(length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Sends {@code text} and reads as many bytes back. */
    String echo(String text) throws IOException {
        send(text);
        return receive(text.getBytes(StandardCharsets.UTF_8).length);
    }

    /**
     * Whether the endpoint closed this connection: the next read sees the end of the stream or a
     * reset (blocks until one or the other, or the read timeout: then false).
     */
    boolean closedByPeer() throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
