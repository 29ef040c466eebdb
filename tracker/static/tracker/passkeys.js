// After a passkey is registered (django-otp-webauthn's script fires the event), show it: reload
// the page, whose list and message now include it, or go on where the page says (enrolment).
(function () {
  "use strict";

  document.addEventListener("otp_webauthn.register_complete", function (event) {
    var section = event.target.closest ? event.target.closest("[data-passkey-next]") : null;
    var next = section ? section.getAttribute("data-passkey-next") : "";
    if (next && next.charAt(0) === "/" && next.charAt(1) !== "/") {
      window.location.assign(next);
    } else {
      window.location.reload();
    }
  });
})();
