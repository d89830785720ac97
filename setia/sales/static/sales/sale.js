/* Sale screen helpers. Everything works without this file; it adds quick cash
   buttons and, where the browser has BarcodeDetector, member-card scanning. */
(function () {
  "use strict";
  var canScan = "BarcodeDetector" in window && navigator.mediaDevices &&
    navigator.mediaDevices.getUserMedia;

  function showScanButtons() {
    if (!canScan) return;
    document.querySelectorAll(".scan-btn").forEach(function (b) { b.hidden = false; });
  }

  function stopScan(video) {
    if (video && video.srcObject) {
      video.srcObject.getTracks().forEach(function (t) { t.stop(); });
      video.srcObject = null;
    }
    if (video) video.hidden = true;
  }

  function scan(button) {
    var form = button.closest("form");
    var video = form.querySelector(".scan-video");
    var input = form.querySelector("#" + button.dataset.scanTarget);
    var detector = new window.BarcodeDetector({ formats: ["qr_code", "code_128", "ean_13"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        var tries = 0;
        (function tick() {
          if (!video.srcObject) return;
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stopScan(video);
              input.value = codes[0].rawValue;
              var find = form.querySelector("button[value=findcustomer]");
              if (find) find.click();
            } else if (tries++ < 300) {
              setTimeout(tick, 150);
            } else {
              stopScan(video);
            }
          }).catch(function () { stopScan(video); });
        })();
      })
      .catch(function () { stopScan(video); input.focus(); });
  }

  document.addEventListener("click", function (event) {
    var fill = event.target.closest("[data-fill]");
    if (fill) {
      var amount = fill.closest("form").querySelector("[name=pay_amount]");
      amount.value = fill.dataset.fill;
      return;
    }
    var scanButton = event.target.closest(".scan-btn");
    if (scanButton) scan(scanButton);
  });
  document.addEventListener("DOMContentLoaded", showScanButtons);
  document.addEventListener("htmx:afterSwap", showScanButtons);
})();
