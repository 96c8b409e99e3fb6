package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.serde.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How the registry codec tells a bad record (a dead letter) from a registry it could not ask (the
 * task fails and the frame is read again after the restart), against loopback servers that
 * misbehave in each way.
 */
class KafkaCodecTest {
    private static final byte[] VALUE =
            ByteBuffer.allocate(9).put((byte) 0).putInt(4242).putInt(0).array();

    @Test
    void aConnectionClosedUnderTheRequestIsRetriedThenFailsTheTaskInsteadOfDeadLetteringTheFrame()
            throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor =
                    new Thread(
                            () -> {
                                while (!server.isClosed()) {
                                    try (Socket socket = server.accept()) {
                                        connections.incrementAndGet();
                                        socket.getInputStream().read(); // the request arrives
                                    } catch (IOException closed) {
                                        return;
                                    }
                                }
                            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (KafkaCodec<Classification> codec = open(server.getLocalPort())) {
                assertThatThrownBy(() -> codec.decode("classifications", VALUE))
                        .isInstanceOf(UncheckedIOException.class)
                        .hasMessageContaining("the schema registry cannot be reached")
                        .hasMessageContaining("3 tries");
            }
        }
        assertThat(connections.get()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aServerErrorIsRetriedButANotFoundIsTheRecordsFault() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger status = new AtomicInteger(503);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    requests.incrementAndGet();
                    byte[] body =
                            ("{\"status\":" + status.get() + ",\"title\":\"nope\"}")
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
                    exchange.sendResponseHeaders(status.get(), body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        server.start();
        try (KafkaCodec<Classification> codec = open(server.getAddress().getPort())) {
            assertThatThrownBy(() -> codec.decode("classifications", VALUE))
                    .isInstanceOf(UncheckedIOException.class);
            assertThat(requests.get()).isGreaterThanOrEqualTo(3);

            status.set(404);
            requests.set(0);
            assertThatThrownBy(() -> codec.decode("classifications", VALUE))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot read with the registry's schema");
            assertThat(requests.get()).isBetween(1, 2);
        } finally {
            server.stop(0);
        }
    }

    private static KafkaCodec<Classification> open(int port) {
        return KafkaCodec.Settings.from(
                        WireFormat.REGISTRY,
                        "http://127.0.0.1:" + port + "/apis/registry/v3",
                        Map.of())
                .open(Classification.class);
    }
}
