// Passkeys (WebAuthn): buttons marked data-passkey-register / data-passkey-sign-in ask the
// server for options, call navigator.credentials and post the answer back. No library.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) {
    return; // the buttons stay hidden: codes still work
  }
  function toBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    return Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
  }
  function toText(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function csrf() {
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.error || response.statusText); }
        return data;
      });
    });
  }
  function ids(list) {
    return (list || []).map(function (item) { return Object.assign({}, item, { id: toBytes(item.id) }); });
  }
  function encode(credential) {
    var r = credential.response, out = {
      id: credential.id, rawId: toText(credential.rawId), type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toText(r.clientDataJSON) }
    };
    if (r.attestationObject) {
      out.response.attestationObject = toText(r.attestationObject);
      out.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      out.response.authenticatorData = toText(r.authenticatorData);
      out.response.signature = toText(r.signature);
      if (r.userHandle) { out.response.userHandle = toText(r.userHandle); }
    }
    return out;
  }
  function wire(box, run) {
    var button = box.querySelector("button"), error = box.querySelector("[data-passkey-error]");
    box.hidden = false;
    button.addEventListener("click", function () {
      error.hidden = true;
      post(button.dataset.options).then(run).then(function (credential) {
        return post(button.dataset.verify, encode(credential));
      }).then(function (data) {
        window.location.assign(data.redirect);
      }).catch(function (problem) {
        error.textContent = problem.message;
        error.hidden = false;
      });
    });
  }
  document.querySelectorAll("[data-passkey-register]").forEach(function (box) {
    wire(box, function (options) {
      options.challenge = toBytes(options.challenge);
      options.user.id = toBytes(options.user.id);
      options.excludeCredentials = ids(options.excludeCredentials);
      return navigator.credentials.create({ publicKey: options });
    });
  });
  document.querySelectorAll("[data-passkey-sign-in]").forEach(function (box) {
    wire(box, function (options) {
      options.challenge = toBytes(options.challenge);
      options.allowCredentials = ids(options.allowCredentials);
      return navigator.credentials.get({ publicKey: options });
    });
  });
})();
