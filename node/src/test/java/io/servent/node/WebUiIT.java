package io.servent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web UI in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code bin/test} installs), against two in-process daemons on loopback: peer A shares a
 * folder through its UI and watches it get indexed, peer B browses A through its UI, and every page
 * of both loads with live data. Screenshots of each page go to {@code target/screenshots}.
 *
 * <p>The steps run in order in one test because each builds on the last; search and download steps
 * slot in after {@link #peerBBrowsesA} once those services exist (see the comments there).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private Daemon a;
    private Daemon b;
    private Path temp;
    private @Nullable WebDriver browserA;
    private @Nullable WebDriver browserB;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (System.getenv("CI") != null) {
            assertThat(present)
                    .as("CI needs chromium and chromedriver (bin/test installs them)")
                    .isTrue();
        }
        assumeTrue(present, "chromium or chromedriver is not installed; bin/test installs them");
        temp = dir;
        Files.createDirectories(SCREENSHOTS);
        // A floods as a super-peer so B (a leaf) finds A's files by every mode a pair of peers has.
        a = Daemon.start(dir.resolve("a"), c -> files(c, FilesConfig.SuperPeer.ALWAYS));
        b = Daemon.start(dir.resolve("b"), c -> files(c, FilesConfig.SuperPeer.NEVER));
        b.service().connect(a.addresses().get(0).toString());
        browserA = browser(dir.resolve("chrome-a"));
        browserB = browser(dir.resolve("chrome-b"));
    }

    private static NodeConfig files(NodeConfig c, FilesConfig.SuperPeer role) {
        return ControlApiTest.loopback(c, s -> s.withForceReachability(io.servent.p2p.autonat.Reachability.PUBLIC))
                .withFiles(c.files().withSuperPeer(role));
    }

    @AfterAll
    void stop() {
        for (WebDriver d : new WebDriver[] {browserA, browserB}) {
            if (d != null) {
                d.quit();
            }
        }
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private static WebDriver browser(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    @Test
    void sharePeerBrowseAndEveryPage() throws Exception {
        WebDriver ua = driver(browserA);
        WebDriver ub = driver(browserB);
        login(ua, a);
        login(ub, b);
        peerASharesAFolder(ua);
        peerBBrowsesA(ub);
        peerBSearches(ub);
        peerBDownloads(ub);
        everyPageLoads(ua, "a");
        everyPageLoads(ub, "b");
        settingsAreValidated(ua);
        peerALimitsTheShareToB(ua);
        narrowWindow(ua);
    }

    private static WebDriver driver(@Nullable WebDriver d) {
        if (d == null) {
            throw new IllegalStateException("no browser");
        }
        return d;
    }

    private static void login(WebDriver ui, Daemon d) {
        ui.get(d.loginUrl());
        await(
                ui,
                "the UI after login",
                () -> (d.apiUrl() + "/").equals(ui.getCurrentUrl())
                        && present(ui, By.cssSelector("#page[data-loaded='true']")));
        assertThat(ui.findElement(By.id("login")).isDisplayed()).isFalse();
        assertThat(text(ui, By.id("peer-id"))).isEqualTo(d.host().peerId().toString());
    }

    private void peerASharesAFolder(WebDriver ui) throws Exception {
        Path folder = Files.createDirectories(temp.resolve("Shared Music"));
        Files.writeString(folder.resolve("first song.mp3"), "la la la ".repeat(20_000));
        Files.write(folder.resolve("notes.txt"), "notes\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.createDirectories(folder.resolve("live"));
        Files.write(folder.resolve("live/encore.flac"), new byte[2_500_000]);
        open(ui, "shares");
        ui.findElement(By.id("share-dir")).sendKeys(folder.toString());
        ui.findElement(By.id("share-add")).click();
        await(ui, "the share indexed with 3 files", () -> {
            List<WebElement> rows = ui.findElements(By.cssSelector("#shares-table tbody tr"));
            return rows.size() == 1
                    && rows.get(0)
                            .findElement(By.cssSelector("td.files"))
                            .getText()
                            .equals("3")
                    && rows.get(0).getText().contains("indexed");
        });
        assertThat(text(ui, By.id("share-message"))).contains("Sharing " + folder.toRealPath());
        assertThat(text(ui, By.id("shares-table"))).contains("everyone");
        screenshot(ui, "a-shares");
    }

    private void peerBBrowsesA(WebDriver ui) {
        open(ui, "shares");
        ui.findElement(By.id("browse-peer")).sendKeys(a.host().peerId().toString());
        ui.findElement(By.id("browse-go")).click();
        await(ui, "A's three files in B's browse table", () -> {
            List<WebElement> rows = ui.findElements(By.cssSelector("#browse-table tbody tr"));
            return rows.size() == 3;
        });
        String table = text(ui, By.id("browse-table"));
        assertThat(table)
                .contains("Shared Music/first song.mp3")
                .contains("Shared Music/live/encore.flac")
                .contains("audio")
                .contains("2.50 MB");
        screenshot(ui, "b-browse");
    }

    private void peerBSearches(WebDriver ui) {
        open(ui, "search");
        // A publishes its QRP table a moment after indexing; search again until the hit arrives.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            WebElement words = ui.findElement(By.id("search-words"));
            words.clear();
            words.sendKeys("first song");
            ui.findElement(By.id("search-go")).click();
            await(ui, "the search to finish", () -> text(ui, By.id("search-status"))
                    .startsWith("Done"));
            if (present(ui, By.cssSelector("#search-table tbody tr")) || System.nanoTime() > deadline) {
                break;
            }
        }
        await(ui, "a result row with 1 source", () -> {
            List<WebElement> rows = ui.findElements(By.cssSelector("#search-table tbody tr"));
            return rows.size() == 1
                    && rows.get(0)
                            .findElement(By.cssSelector("td.sources"))
                            .getText()
                            .equals("1");
        });
        assertThat(text(ui, By.id("search-table")))
                .contains("Shared Music/first song.mp3")
                .contains("audio");
        screenshot(ui, "b-search-results");
    }

    private void peerBDownloads(WebDriver ui) throws Exception {
        ui.findElement(By.cssSelector("#search-table tbody tr button[data-action='download']"))
                .click();
        await(ui, "the download queued", () -> text(ui, By.id("search-table")).contains("Queued"));
        open(ui, "transfers");
        await(ui, "the download done at 100 %", () -> {
            List<WebElement> rows = ui.findElements(By.cssSelector("#transfers-table tr[data-state='done']"));
            return rows.size() == 1 && rows.get(0).getText().contains("100.0 %");
        });
        Path got = b.dataDirectory().root().resolve("downloads").resolve("first song.mp3");
        assertThat(Files.readString(got)).isEqualTo("la la la ".repeat(20_000));
        assertThat(text(ui, By.id("transfers-table"))).contains(got.toString());
        screenshot(ui, "b-transfers-done");
    }

    private void everyPageLoads(WebDriver ui, String who) {
        Daemon self = who.equals("a") ? a : b;
        Daemon other = who.equals("a") ? b : a;
        open(ui, "overview");
        await(
                ui,
                "the other peer in the peers table",
                () -> present(
                        ui,
                        By.cssSelector(
                                "#peers-table tr[data-peer='" + other.host().peerId() + "']")));
        assertThat(text(ui, By.id("addresses")))
                .contains(self.addresses().get(0).toString());
        await(ui, "live bandwidth figures", () -> text(ui, By.id("rate-in")).contains("total"));
        screenshot(ui, who + "-overview");

        open(ui, "search");
        await(
                ui,
                "the search form, enabled",
                () -> ui.findElement(By.id("search-go")).isEnabled()
                        && !present(ui, By.cssSelector("#search-status [data-unavailable]")));
        screenshot(ui, who + "-search");

        open(ui, "transfers");
        await(
                ui,
                "the transfers list",
                () -> present(ui, By.id("transfers-table")) || present(ui, By.id("no-transfers")));
        screenshot(ui, who + "-transfers");

        open(ui, "shares");
        await(ui, "the shares list", () -> present(ui, By.id("shares-table")) || present(ui, By.id("no-shares")));
        screenshot(ui, who + "-shares");

        open(ui, "network");
        await(ui, "the connection count", () -> text(ui, By.id("connection-count"))
                .equals("1"));
        await(ui, "the flooding role", () -> !text(ui, By.id("flood-role")).isEmpty());
        await(ui, "the last publication", () -> text(ui, By.id("publication")).contains("files at"));
        screenshot(ui, who + "-network");

        open(ui, "settings");
        await(ui, "the settings form", () -> present(ui, By.id("settings-save")));
        screenshot(ui, who + "-settings");
    }

    private void peerALimitsTheShareToB(WebDriver ui) throws Exception {
        open(ui, "shares");
        await(ui, "the shares list", () -> present(ui, By.cssSelector("#shares-table button[data-action='access']")));
        ui.findElement(By.cssSelector("#shares-table button[data-action='access']"))
                .click();
        ui.findElement(By.cssSelector(".access-form select.access-to option[value='peers']"))
                .click();
        WebElement peers = ui.findElement(By.cssSelector(".access-form textarea.access-peers"));
        peers.sendKeys("not-a-peer-id");
        ui.findElement(By.cssSelector(".access-form button[data-action='access-save']"))
                .click();
        await(ui, "the bad PeerId refused", () -> text(ui, By.cssSelector(".access-error"))
                .contains("PeerId"));
        peers.clear();
        peers.sendKeys(b.host().peerId().toString());
        ui.findElement(By.cssSelector(".access-form button[data-action='access-save']"))
                .click();
        await(ui, "the editor closed", () -> !present(ui, By.cssSelector(".access-form")));
        JsonNode share = ApiCalls.get(a, "shares").get(0);
        assertThat(share.get("to").toString()).isEqualTo("[\"peer:" + b.host().peerId() + "\"]");
        await(ui, "B's pill in the table", () -> !text(ui, By.id("shares-table"))
                .contains("everyone"));
        screenshot(ui, "a-shares-access");
    }

    private void settingsAreValidated(WebDriver ui) throws Exception {
        open(ui, "settings");
        WebElement max = ui.findElement(By.id("setting-limits-max-connections"));
        max.clear();
        max.sendKeys("0");
        ui.findElement(By.id("settings-save")).click();
        await(ui, "the daemon's refusal", () -> text(ui, By.id("settings-message"))
                .contains("[limits].max_connections: must be a positive whole number"));
        screenshot(ui, "a-settings-invalid");
        open(ui, "settings");
        ui.findElement(By.cssSelector("#setting-log-level option[value='debug']"))
                .click();
        ui.findElement(By.id("settings-save")).click();
        await(ui, "the saved message", () -> text(ui, By.id("settings-message")).contains("Restart the daemon"));
        assertThat(text(ui, By.id("settings-restart"))).contains("restart the daemon");
        assertThat(Files.readString(a.dataDirectory().configFile())).contains("\nlevel = \"debug\"\n");
        screenshot(ui, "a-settings-saved");
    }

    private void narrowWindow(WebDriver ui) {
        ui.manage().window().setSize(new Dimension(400, 900));
        open(ui, "overview");
        await(ui, "the overview", () -> present(ui, By.id("peers-table")));
        Object overflow = ((org.openqa.selenium.JavascriptExecutor) ui)
                .executeScript("return document.documentElement.scrollWidth > window.innerWidth + 1;");
        assertThat(overflow).as("the page scrolls sideways in a narrow window").isEqualTo(false);
        screenshot(ui, "a-overview-narrow");
    }

    private static void open(WebDriver ui, String page) {
        String current = String.valueOf(ui.getCurrentUrl());
        String target = current.replaceAll("#.*$", "") + "#/" + page;
        ui.get(target);
        if (current.equals(target)) {
            ui.navigate().refresh(); // same hash: no hashchange, so reload for a fresh render
        }
        await(
                ui,
                "page " + page,
                () -> present(ui, By.cssSelector("#page[data-page='" + page + "'][data-loaded='true']")));
    }

    private static boolean present(WebDriver ui, By by) {
        return !ui.findElements(by).isEmpty();
    }

    private static String text(WebDriver ui, By by) {
        List<WebElement> found = ui.findElements(by);
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    private static void await(WebDriver ui, String what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                if (condition.get()) {
                    return;
                }
            } catch (StaleElementReferenceException e) {
                // the page re-rendered under us; look again
            }
            if (System.nanoTime() > deadline) {
                screenshot(ui, "failed-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
                throw new AssertionError("timed out waiting for " + what + " at " + ui.getCurrentUrl()
                        + "; page text:\n" + text(ui, By.tagName("body")));
            }
            try {
                Thread.sleep(50); // polling the browser; there is no event to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    private static void screenshot(WebDriver ui, String name) {
        byte[] png = ((org.openqa.selenium.TakesScreenshot) ui).getScreenshotAs(OutputType.BYTES);
        try {
            Files.write(SCREENSHOTS.resolve(name + ".png"), png);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
