package dev.writ.web;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.apache.tomcat.util.net.SSLUtil;
import org.apache.tomcat.util.net.jsse.JSSEImplementation;
import org.apache.tomcat.util.net.jsse.JSSEUtil;

/**
 * Tomcat's JSSE, taking any client certificate at the handshake when TLS client
 * authentication is asked for ({@code server.ssl.client-auth}); installed only where the
 * SSL bundle names no trust store of its own ({@link MutualTlsConfiguration}). The
 * handshake still proves that the client holds the certificate's key; who the certificate
 * says it is, the exchange decides — against the {@code x509-svid} authorities of the
 * trust in force, which change with every bundle refresh and so cannot be a listener's
 * trust store. A certificate proves nothing elsewhere: no endpoint treats it as
 * authentication.
 */
public final class ClientCertificateTls extends JSSEImplementation {

	@Override
	public SSLUtil getSSLUtil(SSLHostConfigCertificate certificate) {
		return new Util(certificate);
	}

	private static final class Util extends JSSEUtil {

		Util(SSLHostConfigCertificate certificate) {
			super(certificate);
		}

		@Override
		public TrustManager[] getTrustManagers() throws Exception {
			// Never javax.net.ssl.trustStore, Tomcat's default when no store is set: a
			// trust store for Writ's outbound calls is not one for its clients.
			if (this.sslHostConfig.getCertificateVerification() == SSLHostConfig.CertificateVerification.NONE) {
				return super.getTrustManagers();
			}
			return new TrustManager[] { new AnyClientCertificate() };
		}

	}

	/**
	 * Takes any client certificate chain; never used to check a server. Names no accepted
	 * issuers, so clients choose their certificate freely.
	 */
	static final class AnyClientCertificate extends X509ExtendedTrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			if (chain == null || chain.length == 0) {
				throw new CertificateException("no client certificate");
			}
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
				throws CertificateException {
			checkClientTrusted(chain, authType);
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
				throws CertificateException {
			checkClientTrusted(chain, authType);
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			throw new CertificateException("this trust manager checks no server");
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
				throws CertificateException {
			checkServerTrusted(chain, authType);
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
				throws CertificateException {
			checkServerTrusted(chain, authType);
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}
