import { vnd } from './format.js';

// Chart.js comes from /dashboard/vendor/chart.umd.min.js (window.Chart).
const charts = new Map();
const PALETTE = ['#0b6e4f', '#f2a541', '#2e86ab', '#c73e1d', '#6a4c93', '#8ac926', '#ff595e', '#1982c4', '#ffca3a', '#6c757d'];

function draw(id, config) {
  charts.get(id)?.destroy();
  const canvas = document.getElementById(id);
  charts.set(id, new window.Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } }));
}

const moneyTick = { callback: (v) => vnd(v) };
const moneyTooltip = { callbacks: { label: (c) => `${c.dataset.label}: ${c.dataset.yAxisID === 'orders' ? c.parsed.y : vnd(c.parsed.y ?? c.parsed)}` } };

export function timeChart(rows) {
  draw('chart-time', {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.label),
      datasets: [
        { label: 'Doanh thu', data: rows.map((r) => r.revenueVnd), backgroundColor: PALETTE[0], yAxisID: 'money' },
        { label: 'Số đơn', data: rows.map((r) => r.orders), type: 'line', borderColor: PALETTE[1], backgroundColor: PALETTE[1], yAxisID: 'orders' },
      ],
    },
    options: {
      scales: { money: { position: 'left', ticks: moneyTick, beginAtZero: true }, orders: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } } },
      plugins: { tooltip: moneyTooltip },
    },
  });
}

export function barChart(id, rows) {
  const top = rows.slice(0, 10);
  draw(id, {
    type: 'bar',
    data: { labels: top.map((r) => r.label), datasets: [{ label: 'Doanh thu', data: top.map((r) => r.revenueVnd), backgroundColor: PALETTE[2] }] },
    options: { indexAxis: 'y', scales: { x: { ticks: moneyTick, beginAtZero: true } }, plugins: { legend: { display: false }, tooltip: moneyTooltip } },
  });
}

export function doughnutChart(id, rows) {
  draw(id, {
    type: 'doughnut',
    data: { labels: rows.map((r) => r.label), datasets: [{ label: 'Doanh thu', data: rows.map((r) => r.revenueVnd), backgroundColor: PALETTE }] },
    options: { plugins: { legend: { position: 'right' }, tooltip: { callbacks: { label: (c) => `${c.label}: ${vnd(c.parsed)}` } } } },
  });
}
