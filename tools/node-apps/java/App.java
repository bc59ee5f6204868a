import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The e2e-test-app-java image's app: serves "Hi" on :8080 (PORT) and calls itself every 2 s, so an injected Java
 * agent has HTTP client spans to export without a test driving traffic.
 */
public final class App {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/", exchange -> {
      byte[] body = "Hi\n".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    System.out.println("listening on :" + port);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest self = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build();
    while (true) {
      Thread.sleep(2000);
      try {
        client.send(self, HttpResponse.BodyHandlers.discarding());
      } catch (Exception e) {
        System.out.println("self call failed: " + e);
      }
    }
  }
}
