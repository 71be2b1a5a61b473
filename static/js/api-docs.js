// The API's reading page: Swagger UI over the generated spec, from this site only.
window.addEventListener("DOMContentLoaded", function () {
  window.SwaggerUIBundle({
    url: document.getElementById("api-docs").dataset.spec,
    dom_id: "#api-docs",
    validatorUrl: null, // never ask a third party to validate the spec
    deepLinking: true,
    tryItOutEnabled: false,
  });
});
