//! TLS for `mqtts://` brokers: rustls (ring provider) trusting either the
//! system's root certificates or one CA file (PEM) an admin names, as a
//! private broker with its own CA needs.

use std::sync::Arc;

use rumqttc::{TlsConfiguration, Transport};
use rustls::{ClientConfig, RootCertStore, pki_types::CertificateDer, pki_types::pem::PemObject};

/// The transport for a TLS broker; `ca_file` empty: the system's roots.
/// Errors: the CA file cannot be read or holds no certificate.
pub fn transport(ca_file: &str) -> Result<Transport, String> {
    let mut roots = RootCertStore::empty();
    if ca_file.is_empty() {
        let found = rustls_native_certs::load_native_certs();
        for cert in found.certs {
            let _ = roots.add(cert);
        }
    } else {
        let pem = std::fs::read(ca_file).map_err(|e| format!("CA file {ca_file:?}: {e}"))?;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| format!("CA file {ca_file:?}: {e}"))?;
            roots
                .add(cert)
                .map_err(|e| format!("CA file {ca_file:?}: {e}"))?;
        }
    }
    if roots.is_empty() {
        return Err(format!("no CA certificate to trust (CA file {ca_file:?})"));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Transport::tls_with_config(TlsConfiguration::Rustls(
        Arc::new(config),
    )))
}
