/* H5P.ElearningTrueFalse 1.0: a list of true/false statements.
 * Written for the platform (MIT). Inherits H5P.EventDispatcher and reports
 * its score with triggerXAPIScored; saves the learner's choices through
 * getCurrentState. Every text comes from content.json (Vietnamese). */
var H5P = H5P || {};

H5P.ElearningTrueFalse = (function ($, EventDispatcher) {
  "use strict";

  var DEFAULT_L10N = {
    trueLabel: "Đúng",
    falseLabel: "Sai",
    check: "Kiểm tra",
    retry: "Làm lại",
    result: "Bạn trả lời đúng :score/:total câu.",
    unanswered: "Hãy trả lời tất cả các câu trước khi kiểm tra.",
    correct: "Đúng",
    wrong: "Chưa đúng"
  };

  function ElearningTrueFalse(params, contentId, contentData) {
    EventDispatcher.call(this);
    this.params = params || {};
    this.contentId = contentId;
    this.questions = this.params.questions || [];
    this.l10n = $.extend({}, DEFAULT_L10N, this.params.l10n || {});
    var previous = contentData && contentData.previousState;
    this.answers = (previous && previous.answers) || [];
    this.checked = false;
  }

  ElearningTrueFalse.prototype = Object.create(EventDispatcher.prototype);
  ElearningTrueFalse.prototype.constructor = ElearningTrueFalse;

  ElearningTrueFalse.prototype.getMaxScore = function () {
    return this.questions.length;
  };

  ElearningTrueFalse.prototype.getScore = function () {
    var self = this;
    return this.questions.reduce(function (sum, question, i) {
      return sum + (self.answers[i] === !!question.correct ? 1 : 0);
    }, 0);
  };

  ElearningTrueFalse.prototype.getAnswerGiven = function () {
    return this.answers.length === this.questions.length &&
      this.answers.every(function (a) { return a === true || a === false; });
  };

  ElearningTrueFalse.prototype.getCurrentState = function () {
    return { answers: this.answers };
  };

  ElearningTrueFalse.prototype.resetTask = function () {
    this.answers = [];
    this.checked = false;
    if (this.$container) {
      this.render();
    }
  };

  ElearningTrueFalse.prototype.attach = function ($container) {
    this.$container = $container;
    $container.addClass("etf");
    this.render();
  };

  ElearningTrueFalse.prototype.render = function () {
    var self = this;
    var $c = this.$container.empty();
    if (this.params.title) {
      $("<p/>", { "class": "etf-intro", text: this.params.title }).appendTo($c);
    }
    this.questions.forEach(function (question, i) {
      var name = "etf-" + self.contentId + "-" + i;
      var $set = $("<fieldset/>", { "class": "etf-question" }).appendTo($c);
      $("<legend/>", { text: (i + 1) + ". " + question.text }).appendTo($set);
      [[true, self.l10n.trueLabel], [false, self.l10n.falseLabel]].forEach(function (pair) {
        var $label = $("<label/>", { "class": "etf-choice" }).appendTo($set);
        $("<input/>", { type: "radio", name: name, value: String(pair[0]) })
          .prop("checked", self.answers[i] === pair[0])
          .prop("disabled", self.checked)
          .on("change", function () {
            self.answers[i] = pair[0];
            self.triggerXAPI("interacted");
          })
          .appendTo($label);
        $("<span/>", { text: pair[1] }).appendTo($label);
      });
      if (self.checked) {
        var ok = self.answers[i] === !!question.correct;
        $("<p/>", {
          "class": "etf-feedback " + (ok ? "etf-correct" : "etf-wrong"),
          text: ok ? self.l10n.correct : self.l10n.wrong
        }).appendTo($set);
      }
    });
    var $status = $("<p/>", { "class": "etf-feedback", role: "status", "aria-live": "polite" });
    if (!this.checked) {
      $("<button/>", { type: "button", "class": "etf-button etf-check", text: this.l10n.check })
        .on("click", function () { self.check($status); })
        .appendTo($c);
    } else {
      $status.text(this.l10n.result
        .replace(":score", this.getScore())
        .replace(":total", this.getMaxScore()));
      $("<button/>", { type: "button", "class": "etf-button etf-secondary etf-retry", text: this.l10n.retry })
        .on("click", function () { self.resetTask(); self.$container.find("input").first().trigger("focus"); })
        .appendTo($c);
    }
    $status.appendTo($c);
    this.trigger("resize");
  };

  ElearningTrueFalse.prototype.check = function ($status) {
    if (!this.getAnswerGiven()) {
      $status.text(this.l10n.unanswered);
      return;
    }
    this.checked = true;
    this.render();
    this.$container.find(".etf-retry").trigger("focus");
    this.triggerXAPIScored(this.getScore(), this.getMaxScore(), "answered");
  };

  return ElearningTrueFalse;
})(H5P.jQuery, H5P.EventDispatcher);
