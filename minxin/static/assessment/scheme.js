// The scheme page: show the running sum of the weights (the server still checks it is 100).
(function () {
  "use strict";
  var form = document.querySelector("[data-weights-form]");
  if (!form) { return; }
  var out = form.querySelector("[data-weight-sum]");
  function update() {
    var sum = 0;
    form.querySelectorAll("input[data-weight]").forEach(function (input) {
      var value = parseFloat(input.value);
      if (!isNaN(value)) { sum += value; }
    });
    sum = Math.round(sum * 100) / 100;
    out.textContent = String(sum);
    out.classList.toggle("text-danger", sum !== 100);
    out.classList.toggle("text-success", sum === 100);
  }
  form.addEventListener("input", update);
  update();
})();
