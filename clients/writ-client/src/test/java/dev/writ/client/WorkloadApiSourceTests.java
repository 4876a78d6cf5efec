package dev.writ.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.writ.testserver.WritTestServer;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.StreamObserver;
import io.spiffe.workloadapi.grpc.SpiffeWorkloadAPIGrpc;
import io.spiffe.workloadapi.grpc.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The Workload API as the identity source: a real gRPC Workload API on a Unix socket, as
 * a SPIRE agent serves it (java-spiffe's stubs, the security header it requires), handing
 * out the JWT-SVIDs a real Writ trusts.
 */
class WorkloadApiSourceTests {

	private static final Metadata.Key<String> SECURITY_HEADER = Metadata.Key.of("workload.spiffe.io",
			Metadata.ASCII_STRING_MARSHALLER);

	@Test
	void jwtSvidFromTheWorkloadApiForWritsAudienceThenTokens() throws Exception {
		try (WritTestServer writ = TestSite.start()) {
			String svid = writ.svid(TestSite.WORKLOAD);
			List<String> asked = new CopyOnWriteArrayList<>();
			Path socket = Files.createTempDirectory("writ-agent-").resolve("agent.sock");
			EpollEventLoopGroup group = new EpollEventLoopGroup(1);
			Server agent = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
				.channelType(EpollServerDomainSocketChannel.class)
				.bossEventLoopGroup(group)
				.workerEventLoopGroup(group)
				.addService(ServerInterceptors.intercept(new SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIImplBase() {
					@Override
					public void fetchJWTSVID(Workload.JWTSVIDRequest request,
							StreamObserver<Workload.JWTSVIDResponse> observer) {
						asked.addAll(request.getAudienceList());
						if (!request.getAudienceList().equals(List.of(writ.issuer()))) {
							observer.onError(Status.PERMISSION_DENIED.asRuntimeException());
							return;
						}
						observer.onNext(Workload.JWTSVIDResponse.newBuilder()
							.addSvids(Workload.JWTSVID.newBuilder().setSpiffeId(TestSite.WORKLOAD).setSvid(svid))
							.build());
						observer.onCompleted();
					}
				}, new SecurityHeaderCheck()))
				.build()
				.start();
			try {
				try (WritClient client = WritClient.builder()
					.tokenEndpoint(writ.tokenEndpoint())
					.identity(IdentitySource.spiffeWorkloadApi("unix://" + socket, writ.issuer()))
					.build()) {
					AccessToken token = client.token("https://orders.example.org", "orders:read");
					assertThat(WritClientTests.claims(token.value()).getSubject()).isEqualTo(TestSite.WORKLOAD);
					assertThat(asked).containsExactly(writ.issuer());
				}
				try (WritClient wrongAudience = WritClient.builder()
					.tokenEndpoint(writ.tokenEndpoint())
					.identity(IdentitySource.spiffeWorkloadApi("unix://" + socket, "https://not-writ.example.org"))
					.build()) {
					WritClientException refused = catchThrowableOfType(WritClientException.class,
							() -> wrongAudience.token("https://orders.example.org", "orders:read"));
					assertThat(refused.error()).isEqualTo(WritClientException.NO_IDENTITY);
					assertThat(refused.getMessage()).contains("the Workload API gave no JWT-SVID").doesNotContain(svid);
				}
			}
			finally {
				agent.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
				group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void socketThatIsNoWorkloadApiAddressThenIdentityUnavailableNamingIt() {
		try (WritClient client = WritClient.builder()
			.tokenEndpoint(java.net.URI.create("http://127.0.0.1:9/oauth2/token"))
			.identity(IdentitySource.spiffeWorkloadApi("tcp:not-an-address", "https://writ.example.org"))
			.build()) {
			WritClientException failed = catchThrowableOfType(WritClientException.class,
					() -> client.token("https://orders.example.org"));
			assertThat(failed.error()).isEqualTo(WritClientException.NO_IDENTITY);
			assertThat(failed.getMessage()).contains("not a Workload API address");
		}
	}

	private static final class SecurityHeaderCheck implements ServerInterceptor {

		@Override
		public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
				ServerCallHandler<Q, R> next) {
			if (!"true".equals(headers.get(SECURITY_HEADER))) {
				call.close(Status.INVALID_ARGUMENT.withDescription("security header missing"), new Metadata());
				return new ServerCall.Listener<>() {
				};
			}
			return next.startCall(call, headers);
		}

	}

}
