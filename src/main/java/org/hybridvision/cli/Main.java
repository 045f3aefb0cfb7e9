package org.hybridvision.cli;
public class Main { public static void main(String[] a) {} }
