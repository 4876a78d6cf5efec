package dev.writ.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.ByteString;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
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

/**
 * A real SPIFFE Workload API on a Unix domain socket, for tests: serves FetchJWTBundles
 * and FetchX509Bundles from java-spiffe's public gRPC stubs over shaded Netty's epoll
 * transport, as a SPIRE agent would, and pushes updates to every open stream when a test
 * changes the bundles. Refuses calls without the {@code workload.spiffe.io: true} header,
 * as SPIRE does.
 */
public final class FakeWorkloadApi implements AutoCloseable {

	private static final Metadata.Key<String> SECURITY_HEADER = Metadata.Key.of("workload.spiffe.io",
			Metadata.ASCII_STRING_MARSHALLER);

	private final Path socket;

	private final EpollEventLoopGroup group = new EpollEventLoopGroup(1);

	private final Server server;

	private final Map<String, List<TestAuthority>> bundles = new ConcurrentHashMap<>();

	private final List<StreamObserver<Workload.JWTBundlesResponse>> streams = new CopyOnWriteArrayList<>();

	private final List<StreamObserver<Workload.X509BundlesResponse>> x509Streams = new CopyOnWriteArrayList<>();

	private final AtomicInteger updatesSent = new AtomicInteger();

	private FakeWorkloadApi(Path socket) throws IOException {
		this.socket = socket;
		SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIImplBase service = new SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIImplBase() {

			@Override
			public void fetchJWTBundles(Workload.JWTBundlesRequest request,
					StreamObserver<Workload.JWTBundlesResponse> observer) {
				FakeWorkloadApi.this.streams.add(observer);
				send(observer);
			}

			@Override
			public void fetchX509Bundles(Workload.X509BundlesRequest request,
					StreamObserver<Workload.X509BundlesResponse> observer) {
				FakeWorkloadApi.this.x509Streams.add(observer);
				sendX509(observer);
			}

		};
		this.server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
			.channelType(EpollServerDomainSocketChannel.class)
			.bossEventLoopGroup(this.group)
			.workerEventLoopGroup(this.group)
			.addService(ServerInterceptors.intercept(service, new SecurityHeaderCheck()))
			.build()
			.start();
	}

	/** Starts a Workload API on a fresh socket in a temporary directory. */
	public static FakeWorkloadApi start() {
		try {
			Path dir = Files.createTempDirectory("writ-agent-");
			return new FakeWorkloadApi(dir.resolve("agent.sock"));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The address a client connects to, {@code unix:///...}. */
	public String address() {
		return "unix://" + this.socket;
	}

	/**
	 * Sets the JWT authorities of a trust domain and pushes the new bundle set to every
	 * open stream.
	 */
	public void bundle(String trustDomain, TestAuthority... authorities) {
		this.bundles.put(trustDomain, List.of(authorities));
		this.streams.forEach(this::send);
		this.x509Streams.forEach(this::sendX509);
	}

	// The X.509 authorities of each trust domain: its authorities' CA certificates, DER
	// concatenated, as SPIRE sends them.
	private void sendX509(StreamObserver<Workload.X509BundlesResponse> observer) {
		Workload.X509BundlesResponse.Builder response = Workload.X509BundlesResponse.newBuilder();
		this.bundles.forEach((domain, authorities) -> {
			ByteString der = ByteString.EMPTY;
			for (TestAuthority authority : authorities) {
				try {
					der = der.concat(ByteString.copyFrom(authority.x509().certificate().getEncoded()));
				}
				catch (java.security.cert.CertificateEncodingException ex) {
					throw new IllegalStateException(ex);
				}
			}
			response.putBundles("spiffe://" + domain, der);
		});
		synchronized (observer) {
			observer.onNext(response.build());
		}
	}

	/** How many bundle updates were sent. */
	public int updatesSent() {
		return this.updatesSent.get();
	}

	private void send(StreamObserver<Workload.JWTBundlesResponse> observer) {
		Workload.JWTBundlesResponse.Builder response = Workload.JWTBundlesResponse.newBuilder();
		this.bundles.forEach((domain, authorities) -> {
			List<JWK> keys = authorities.stream().map((a) -> a.privateKey().toPublicJWK()).toList();
			response.putBundles("spiffe://" + domain,
					ByteString.copyFrom(new JWKSet(keys).toString(true), StandardCharsets.UTF_8));
		});
		synchronized (observer) {
			observer.onNext(response.build());
		}
		this.updatesSent.incrementAndGet();
	}

	@Override
	public void close() throws InterruptedException {
		this.x509Streams.forEach((s) -> {
			try {
				s.onCompleted();
			}
			catch (RuntimeException ex) {
				// the client went away first
			}
		});
		this.streams.forEach((s) -> {
			try {
				s.onCompleted();
			}
			catch (RuntimeException ex) {
				// the client went away first
			}
		});
		this.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
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
